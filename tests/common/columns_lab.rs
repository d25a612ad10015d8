//! An inventory for the column layout tests: long pool and host names, CJK, emoji and long
//! VM names, 305 VMs on one host (all pinned to node 0), operations and audit lines.

use super::{host, themes, vm};
use vmdeck::app::ops::{OpRequest, OpStatus, Target};
use vmdeck::app::{Msg, State, update};
use vmdeck::backend::HostEvent;
use vmdeck::keymap::Keymap;
use vmdeck::model::action::{AuditRecord, PowerAction};
use vmdeck::model::{HostInventory, VmPlacement, VmState};

const CONFIG: &str = r#"
[[pool]]
name = "lab-incus-cluster"
hosts = [{ name = "opteron-north-1234", uri = "qemu+ssh://a/system" }, { name = "opteron-south-5678", uri = "qemu+ssh://b/system" }]

[[pool]]
name = "lab-cluster-production"
hosts = [{ name = "epyc-rack-07-unit-42", uri = "qemu+ssh://c/system" }]
"#;

pub const ODD_NAMES: [&str; 3] = [
    "数据库-主-01",
    "🚀-launch-pad",
    "a-very-long-vm-name-for-the-reporting-database-primary",
];

/// 300 bulk VMs and the odd names on the first host, a few on the others; every VM of the
/// first host pinned to node 0; a few operations and audit lines.
pub fn inventory() -> State {
    let config = vmdeck::config::parse_config(CONFIG, "cols.toml").unwrap();
    let mut s = State::new(&config, Keymap::builtin(), themes());
    let mut vms: Vec<_> = ODD_NAMES
        .iter()
        .map(|n| vm(n, VmState::Running, 8, 16384, "large"))
        .collect();
    vms.extend((0..302).map(|n| {
        vm(
            &format!("lab1-bulk-{n:03}"),
            VmState::Running,
            1,
            128,
            "small",
        )
    }));
    let placement = vms.iter().map(|v| pinned(&v.uuid)).collect();
    let connected = |name: &str, vms| HostInventory {
        facts: super::facts(name),
        vms,
    };
    host(
        &mut s,
        0,
        0,
        HostEvent::Connected(connected("opteron-north-1234", vms)),
    );
    host(&mut s, 0, 0, HostEvent::Placement(placement));
    let few = |prefix: &str| {
        (0..3)
            .map(|n| vm(&format!("{prefix}-{n}"), VmState::Shutoff, 2, 2048, "small"))
            .collect()
    };
    host(
        &mut s,
        0,
        1,
        HostEvent::Connected(connected("opteron-south-5678", few("south"))),
    );
    host(
        &mut s,
        1,
        0,
        HostEvent::Connected(connected("epyc-rack-07-unit-42", few("prod"))),
    );
    add_ops(&mut s);
    let lines = (0..4)
        .map(|n| serde_json::to_string(&record(n)).unwrap())
        .collect();
    update(&mut s, Msg::AuditLoaded(Ok(lines)));
    s
}

fn pinned(uuid: &str) -> VmPlacement {
    VmPlacement {
        uuid: uuid.into(),
        cpus: vec![0],
        memory_nodes: vec![],
        hugepages: false,
        emulator_cpus: vec![],
        partition: None,
        tuning: Default::default(),
    }
}

fn add_ops(s: &mut State) {
    let target = |name: &str| Target {
        pool: 0,
        host: 0,
        uuid: format!("uuid-{name}"),
        name: name.into(),
    };
    let kind = vmdeck::model::op::OpKind::Power(PowerAction::Reboot);
    for (name, status) in [
        (
            ODD_NAMES[2],
            OpStatus::Failed("the guest did not answer the ACPI request in time".into()),
        ),
        (ODD_NAMES[0], OpStatus::Done),
        ("lab1-bulk-001", OpStatus::Running),
    ] {
        let request = OpRequest {
            target: target(name),
            kind: kind.clone(),
        };
        s.ops.add(request, "opteron-north-1234".into(), s.now);
        if let Some(op) = s.ops.list.last_mut() {
            op.status = status;
        }
    }
}

pub fn record(n: u64) -> AuditRecord {
    AuditRecord {
        time: 1_764_600_000 + n * 60,
        user: "on-call-engineer".into(),
        pool: "lab-incus-cluster".into(),
        host: "opteron-north-1234".into(),
        vm: format!("lab1-bulk-{n:03}"),
        action: "migrate".into(),
        params: "--to opteron-south-5678 --copy-storage".into(),
        result: if n == 0 {
            "ok".into()
        } else {
            "failed: no room".into()
        },
        prev: None,
    }
}
