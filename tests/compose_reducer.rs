//! The compose form and `:scale` through `update`: keys → form, preview, confirmation and the
//! Compose/Delete effects (hand-made hosts; the lab tests prove the backends).

mod common;

use common::compose_lab::{CONFIG, lab};
use common::{ctrl, host, key, typed, vm};
use crossterm::event::KeyCode;
use vmdeck::app::Effect;
use vmdeck::app::state::{Pending, View};
use vmdeck::backend::{HostCommand, HostEvent};
use vmdeck::model::{VmStamp, VmState};

fn compose_effects(effects: &[Effect]) -> Vec<(usize, String)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Host {
                host,
                command: HostCommand::Compose { spec, .. },
                ..
            } => Some((*host, spec.name.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn n_opens_the_form_asks_for_images_and_fills_the_first_type_and_image() {
    let mut s = lab(CONFIG);
    let effects = key(&mut s, KeyCode::Char('n'));
    assert_eq!(s.screen().view, View::Compose { pool: 0 });
    let asked = effects
        .iter()
        .filter(|e| {
            matches!(
                e,
                Effect::Host {
                    command: HostCommand::LoadImages { .. },
                    ..
                }
            )
        })
        .count();
    assert_eq!(asked, 3);
    let form = s.compose.as_ref().unwrap();
    assert_eq!(
        (form.vm_type.as_str(), form.image.as_str()),
        ("small", "deb")
    );
    // Typing in the form never runs the list's keys (q would quit).
    typed(&mut s, "quiet");
    assert!(!s.quit);
    assert_eq!(s.compose.as_ref().unwrap().name, "quiet");
    assert!(
        s.compose
            .as_ref()
            .unwrap()
            .user_data_text()
            .contains("hostname: quiet")
    );
}

#[test]
fn a_hard_set_of_four_over_three_hosts_is_refused_and_three_compose_one_per_host() {
    let mut s = lab(CONFIG);
    key(&mut s, KeyCode::Char(':'));
    typed(
        &mut s,
        "compose db --type small --image deb --count 4 --group apart",
    );
    key(&mut s, KeyCode::Enter);
    let form = s.compose.as_ref().unwrap();
    let plan = vmdeck::app::compose_form::preview(&s, form).unwrap();
    let chosen: Vec<Option<String>> = plan.vms.iter().map(|v| v.decision.chosen.clone()).collect();
    assert_eq!(chosen[3], None);
    let why = plan.vms[3].decision.why_none.clone().unwrap();
    assert!(why.contains("hard anti-affinity: holds db-"), "{why}");
    ctrl(&mut s, 's');
    assert!(s.confirm.is_none());
    let said = s.status.clone().unwrap().text;
    assert!(
        said.starts_with("db-3 can't be placed: no host fits"),
        "{said}"
    );

    // Count 3: one per host, h1 (which holds `old`) last.
    key(&mut s, KeyCode::Tab);
    key(&mut s, KeyCode::Backspace);
    typed(&mut s, "3");
    ctrl(&mut s, 's');
    let question = s.confirm.clone().unwrap().question;
    assert_eq!(question, "Compose 3 VMs: db-0 → h2, db-1 → h3, db-2 → h1?");
    let effects = key(&mut s, KeyCode::Char('y'));
    assert_eq!(
        compose_effects(&effects),
        [(1, "db-0".into()), (2, "db-1".into()), (0, "db-2".into())]
    );
    assert_eq!(s.ops.running(), 3);
    assert!(s.compose.is_none());
    assert_eq!(
        s.screen().view,
        View::Vms {
            pool: Some(0),
            host: None
        }
    );
}

#[test]
fn choices_cycle_and_bad_user_data_blocks_composing() {
    let mut s = lab(CONFIG);
    key(&mut s, KeyCode::Char('n'));
    typed(&mut s, "web");
    for _ in 0..4 {
        key(&mut s, KeyCode::Tab);
    }
    key(&mut s, KeyCode::Right);
    assert_eq!(s.compose.as_ref().unwrap().group.as_deref(), Some("apart"));
    key(&mut s, KeyCode::Tab);
    key(&mut s, KeyCode::Right);
    key(&mut s, KeyCode::Right);
    assert_eq!(s.compose.as_ref().unwrap().host.as_deref(), Some("h2"));
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "users: [unclosed\n");
    assert!(s.compose.as_ref().unwrap().edited);
    ctrl(&mut s, 's');
    let said = s.status.clone().unwrap().text;
    assert!(said.starts_with("user-data line"), "{said}");
    // Esc with edited user-data asks first; n keeps the form.
    key(&mut s, KeyCode::Esc);
    assert!(matches!(
        s.confirm.as_ref().unwrap().pending,
        Pending::DiscardCompose
    ));
    key(&mut s, KeyCode::Char('n'));
    assert!(s.compose.is_some());
}

#[test]
fn read_only_pools_preview_but_never_compose() {
    let mut s = lab(&CONFIG.replace("name = \"lab\"\n", "name = \"lab\"\nread_only = true\n"));
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "compose web --type small --image deb");
    key(&mut s, KeyCode::Enter);
    assert!(s.compose.is_some());
    let effects = ctrl(&mut s, 's');
    assert!(compose_effects(&effects).is_empty());
    assert!(s.confirm.is_none());
    assert_eq!(
        s.status.clone().unwrap().text,
        "refused: this pool is read-only"
    );
}

#[test]
fn scale_down_deletes_the_highest_indexes_and_scale_up_continues_them() {
    let mut s = lab(CONFIG);
    let member = |name: &str| {
        let mut vm = vm(name, VmState::Running, 1, 1024, "small");
        vm.stamp = VmStamp {
            vm_type: Some("small".into()),
            set: Some("db".into()),
            image: Some("deb".into()),
            group: Some("apart".into()),
            ..VmStamp::default()
        };
        vm
    };
    for (index, name) in ["db-0", "db-1"].iter().enumerate() {
        host(&mut s, 0, index + 1, HostEvent::VmUpdated(member(name)));
    }
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "db-0");
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "scale 1");
    key(&mut s, KeyCode::Enter);
    let question = s.confirm.clone().unwrap().question;
    assert_eq!(
        question,
        "Scale set db down to 1: delete db-1 (running, on h3) with their disks?"
    );
    let effects = key(&mut s, KeyCode::Char('y'));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Host {
            host: 2,
            command: HostCommand::Delete {
                with_storage: true,
                stop_first: true,
                ..
            },
            ..
        }]
    ));

    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "scale 3");
    key(&mut s, KeyCode::Enter);
    let question = s.confirm.clone().unwrap().question;
    assert_eq!(question, "Scale set db up: compose db-2 → h1?");
    let effects = key(&mut s, KeyCode::Char('y'));
    assert_eq!(compose_effects(&effects), [(0, "db-2".into())]);
}
