//! `:clone [NEWNAME] [--linked|--full|--instant-full]` on the selected VM (default name
//! `<name>-clone`, default mode linked). Nothing is lost by cloning, so it does not ask.

use super::actions::single_writable_target;
use super::set_status;
use crate::app::msg::Effect;
use crate::app::ops::OpKind;
use crate::app::state::{Level, State};
use crate::backend::HostCommand;
use crate::model::action::CloneMode;

pub fn command(state: &mut State, args: &[&str]) -> Vec<Effect> {
    let usage = "usage: :clone [NEWNAME] [--linked|--full|--instant-full]";
    let mut mode = CloneMode::Linked;
    let mut name = None;
    for word in args {
        match (
            CloneMode::from_flag(word),
            name.is_none() && !word.starts_with("--"),
        ) {
            (Some(m), _) => mode = m,
            (None, true) => name = Some(word.to_string()),
            (None, false) => {
                set_status(state, Level::Error, usage);
                return Vec::new();
            }
        }
    }
    let Some(target) = single_writable_target(state, "clone") else {
        return Vec::new();
    };
    let pool = &state.pools[target.pool];
    let name = name.unwrap_or_else(|| format!("{}-clone", target.name));
    let host_name = pool.hosts[target.host].name.clone();
    let (p, h, uuid) = (target.pool, target.host, target.uuid.clone());
    let kind = OpKind::Clone {
        name: name.clone(),
        mode,
    };
    let op = state.ops.add(kind, target.clone(), host_name);
    set_status(
        state,
        Level::Info,
        format!("cloning {} as {name} ({})…", target.name, mode.flag()),
    );
    vec![Effect::Host {
        pool: p,
        host: h,
        command: HostCommand::Clone {
            uuid,
            op,
            name,
            mode,
        },
    }]
}
