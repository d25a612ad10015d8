//! The compose form and `:scale` through `update`: keys → form, preview, confirmation and the
//! Compose/Delete effects (hand-made hosts; the lab tests prove the backends).

mod common;

use common::compose_lab::{CONFIG, image, lab, lab_with};
use common::{ctrl, host, key, typed, vm};
use crossterm::event::KeyCode;
use vmdeck::app::compose_form::{Field, ImagesKnown, images_known, preview};
use vmdeck::app::ops::OpKind;
use vmdeck::app::state::{Pending, View};
use vmdeck::app::{Effect, Msg, State, update};
use vmdeck::backend::{HostCommand, HostEvent};
use vmdeck::model::{VmStamp, VmState};

fn compose_effects(effects: &[Effect]) -> Vec<(usize, String)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Host {
                host,
                command:
                    HostCommand::Op {
                        kind: OpKind::Compose(spec),
                        ..
                    },
                ..
            } => Some((*host, spec.name.clone())),
            _ => None,
        })
        .collect()
}

fn image_requests(effects: &[Effect]) -> Vec<usize> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Host {
                host,
                command: HostCommand::LoadImages { image_pool },
                ..
            } => {
                assert_eq!(image_pool, "images");
                Some(*host)
            }
            _ => None,
        })
        .collect()
}

fn command(s: &mut State, line: &str) -> Vec<Effect> {
    key(s, KeyCode::Char(':'));
    typed(s, line);
    key(s, KeyCode::Enter)
}

/// Each VM of the preview with the host it goes to (None: refused).
fn chosen(s: &State) -> Vec<(String, Option<String>)> {
    let plan = preview(s, s.compose.as_ref().unwrap()).unwrap();
    plan.vms
        .iter()
        .map(|v| (v.name.clone(), v.decision.chosen.clone()))
        .collect()
}

/// The engine's reasons against `host` for the preview's VM `index`.
fn reasons(s: &State, index: usize, host: &str) -> String {
    let plan = preview(s, s.compose.as_ref().unwrap()).unwrap();
    let verdict = plan.vms[index]
        .decision
        .verdicts
        .iter()
        .find(|v| v.host == host)
        .unwrap()
        .clone();
    verdict.reasons.join("; ")
}

fn tab_to(s: &mut State, field: Field) {
    for _ in 0..Field::ALL.len() {
        if s.compose.as_ref().unwrap().field == field {
            return;
        }
        key(s, KeyCode::Tab);
    }
    panic!("no field {field:?}");
}

#[test]
fn n_opens_the_form_asks_for_images_and_fills_the_first_type_and_image() {
    let mut s = lab(CONFIG);
    let effects = key(&mut s, KeyCode::Char('n'));
    assert_eq!(s.screen().view, View::Compose { pool: 0 });
    assert_eq!(image_requests(&effects), [0, 1, 2]);
    let form = s.compose.as_ref().unwrap();
    assert_eq!(
        (form.vm_type.as_str(), form.image.as_str()),
        ("small", "deb")
    );
    assert_eq!(form.field, Field::Name);
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
    // Nothing edited by hand: Esc closes without asking.
    key(&mut s, KeyCode::Esc);
    assert!(s.confirm.is_none() && s.compose.is_none());
    assert_eq!(
        s.screen().view,
        View::Vms {
            pool: Some(0),
            host: None
        }
    );
}

#[test]
fn n_on_a_pool_row_or_in_a_pools_hosts_opens_that_pool() {
    let mut s = lab(CONFIG);
    command(&mut s, "pools");
    assert_eq!(s.screen().view, View::Pools);
    key(&mut s, KeyCode::Char('n'));
    assert_eq!(s.screen().view, View::Compose { pool: 0 });
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.screen().view, View::Hosts { pool: Some(0) });
    key(&mut s, KeyCode::Char('n'));
    assert_eq!(s.screen().view, View::Compose { pool: 0 });
}

#[test]
fn without_a_pool_in_view_or_selected_compose_says_to_select_one() {
    let mut s = lab(CONFIG);
    command(&mut s, "vms");
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "nothing-matches-this");
    key(&mut s, KeyCode::Enter);
    assert!(s.rows.is_empty());
    command(&mut s, "compose web --type small");
    assert!(s.compose.is_none());
    assert!(
        s.status.clone().unwrap().text.starts_with("select a pool"),
        "{:?}",
        s.status
    );
}

#[test]
fn the_preview_follows_the_fields() {
    let huge = "[[vm_type]]\nname = \"huge\"\nvcpus = 2\nmemory = \"64GiB\"\ndisk = \"10GiB\"\n";
    let mut s = lab(&format!("{CONFIG}\n{huge}"));
    key(&mut s, KeyCode::Char('n'));
    // No name yet: the preview says what is missing.
    let missing = preview(&s, s.compose.as_ref().unwrap()).unwrap_err();
    assert_eq!(
        missing,
        "type a name for the VM (with a count, for the set)"
    );
    typed(&mut s, "web");
    // h1 holds `old`: the emptier h2 wins (ties go to the first name).
    assert_eq!(chosen(&s), [("web".into(), Some("h2".into()))]);

    tab_to(&mut s, Field::Host);
    key(&mut s, KeyCode::Right);
    key(&mut s, KeyCode::Right);
    key(&mut s, KeyCode::Right);
    assert_eq!(s.compose.as_ref().unwrap().host.as_deref(), Some("h3"));
    assert_eq!(chosen(&s), [("web".into(), Some("h3".into()))]);
    assert_eq!(reasons(&s, 0, "h2"), "not the host asked for (h3)");
    key(&mut s, KeyCode::Right);
    assert_eq!(s.compose.as_ref().unwrap().host, None, "back to automatic");

    // A type as large as a host: h1, which holds `old`, has no room for it.
    tab_to(&mut s, Field::Type);
    key(&mut s, KeyCode::Right);
    assert_eq!(s.compose.as_ref().unwrap().vm_type, "huge");
    let plan = preview(&s, s.compose.as_ref().unwrap()).unwrap();
    assert!(!plan.vms[0].decision.verdicts[0].fits);
    assert_eq!(
        reasons(&s, 0, "h1"),
        "no room after overcommit: needs 64 GiB, 63 GiB free of 64 GiB × 1.0 (allocation = \"running+autostart\")"
    );
    // Typed instead of chosen: an unknown type is named with what the pool offers.
    for _ in 0.."huge".len() {
        key(&mut s, KeyCode::Backspace);
    }
    typed(&mut s, "tiny");
    let err = preview(&s, s.compose.as_ref().unwrap()).unwrap_err();
    assert!(err.contains("unknown VM type 'tiny'"), "{err}");
    assert!(err.contains("(it offers: small, huge)"), "{err}");

    // A count makes a set: names and the template follow.
    tab_to(&mut s, Field::Type);
    key(&mut s, KeyCode::Right);
    tab_to(&mut s, Field::Count);
    typed(&mut s, "2");
    let names: Vec<String> = chosen(&s).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["web-0", "web-1"]);
    let text = s.compose.as_ref().unwrap().user_data_text();
    assert!(text.contains("hostname: \"{{name}}\""), "{text}");
}

#[test]
fn a_hard_set_of_four_over_three_hosts_is_refused_and_three_compose_one_per_host() {
    let mut s = lab(CONFIG);
    command(
        &mut s,
        "compose db --type small --image deb --count 4 --group apart",
    );
    let placed = chosen(&s);
    assert_eq!(placed[3], ("db-3".into(), None));
    let plan = preview(&s, s.compose.as_ref().unwrap()).unwrap();
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
    tab_to(&mut s, Field::Count);
    key(&mut s, KeyCode::Backspace);
    assert!(s.status.is_none(), "the refusal is cleared by the change");
    typed(&mut s, "3");
    ctrl(&mut s, 's');
    let question = s.confirm.clone().unwrap().question;
    assert_eq!(question, "Compose 3 VMs (db-0 → h2, db-1 → h3, db-2 → h1)?");
    let effects = key(&mut s, KeyCode::Char('y'));
    assert_eq!(
        compose_effects(&effects),
        [(1, "db-0".into()), (2, "db-1".into()), (0, "db-2".into())]
    );
    assert_eq!(s.ops.running(), 3);
    let op = &s.ops.list[0];
    assert_eq!(op.kind.command(), "compose");
    assert_eq!(op.kind.params(), "type=small image=deb group=apart set=db");
    assert!(matches!(op.kind, OpKind::Compose(_)));
    assert_eq!(
        (op.target.uuid.as_str(), op.target.name.as_str()),
        ("", "db-0")
    );
    assert_eq!(op.host_name, "h2");
    assert!(
        s.status
            .clone()
            .unwrap()
            .text
            .starts_with("compose db-0, db-1, db-2…")
    );
    assert!(s.compose.is_none());
    assert_eq!(
        s.screen().view,
        View::Vms {
            pool: Some(0),
            host: None
        }
    );
    // The backend's end of it is audited like every operation.
    let op = s.ops.list[0].id;
    let effects = host(&mut s, 0, 1, HostEvent::OpFinished { op, result: Ok(()) });
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::Audit { vm, action, params, result, .. }
            if vm == "db-0" && action == "compose" && params.contains("set=db") && result == "ok"
    )));
}

#[test]
fn enter_moves_through_the_fields_and_composes_on_the_button() {
    let mut s = lab(CONFIG);
    command(&mut s, "compose one --type small --image deb");
    key(&mut s, KeyCode::Enter);
    assert!(s.confirm.is_none(), "Enter on a field does not compose");
    assert_eq!(s.compose.as_ref().unwrap().field, Field::Count);
    tab_to(&mut s, Field::UserData);
    for _ in 0..40 {
        key(&mut s, KeyCode::Down);
    }
    key(&mut s, KeyCode::End);
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.compose.as_ref().unwrap().field, Field::UserData);
    assert!(
        s.compose.as_ref().unwrap().edited,
        "Enter in the text area is a newline"
    );
    key(&mut s, KeyCode::Tab);
    assert_eq!(s.compose.as_ref().unwrap().field, Field::Compose);
    key(&mut s, KeyCode::Enter);
    let question = s.confirm.clone().unwrap().question;
    assert_eq!(question, "Compose 1 VM (one → h2)?");
    // n, Enter (anything but y) keep the form as it was.
    key(&mut s, KeyCode::Char('n'));
    assert!(s.confirm.is_none());
    assert_eq!(s.compose.as_ref().unwrap().name, "one");
    ctrl(&mut s, 's');
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    assert_eq!(s.compose.as_ref().unwrap().name, "one");
    ctrl(&mut s, 's');
    let effects = key(&mut s, KeyCode::Char('y'));
    assert_eq!(compose_effects(&effects), [(1, "one".into())]);
}

#[test]
fn choices_cycle_and_bad_user_data_blocks_composing() {
    let mut s = lab(CONFIG);
    key(&mut s, KeyCode::Char('n'));
    typed(&mut s, "web");
    tab_to(&mut s, Field::Group);
    key(&mut s, KeyCode::Right);
    assert_eq!(s.compose.as_ref().unwrap().group.as_deref(), Some("apart"));
    key(&mut s, KeyCode::Right);
    assert_eq!(s.compose.as_ref().unwrap().group, None, "none is a choice");
    key(&mut s, KeyCode::Left);
    assert_eq!(s.compose.as_ref().unwrap().group.as_deref(), Some("apart"));
    key(&mut s, KeyCode::Tab);
    key(&mut s, KeyCode::Right);
    key(&mut s, KeyCode::Right);
    assert_eq!(s.compose.as_ref().unwrap().host.as_deref(), Some("h2"));
    key(&mut s, KeyCode::Tab);
    // Keys typed in the text area are text: q, : and n run nothing.
    typed(&mut s, "users: [unclosed q:n\n");
    assert!(!s.quit && s.input.is_none());
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
    // Ctrl-C asks the same; y closes.
    ctrl(&mut s, 'c');
    assert!(!s.quit);
    key(&mut s, KeyCode::Char('y'));
    assert!(s.compose.is_none());
}

#[test]
fn a_paste_lands_in_the_field_with_focus() {
    let mut s = lab(CONFIG);
    key(&mut s, KeyCode::Char('n'));
    update(&mut s, Msg::Paste("pasted\nignored".into()));
    assert_eq!(s.compose.as_ref().unwrap().name, "pasted");
    tab_to(&mut s, Field::UserData);
    update(&mut s, Msg::Paste("packages:\r  - htop\r".into()));
    let text = s.compose.as_ref().unwrap().user_data_text();
    assert!(text.starts_with("packages:\n  - htop\n"), "{text}");
}

#[test]
fn images_load_after_the_form_opens() {
    let mut s = lab_with(CONFIG, false);
    key(&mut s, KeyCode::Char('n'));
    assert_eq!(s.compose.as_ref().unwrap().image, "");
    assert_eq!(images_known(&s, 0), ImagesKnown::Loading);
    host(&mut s, 0, 0, HostEvent::Images(Err("no pool".into())));
    host(&mut s, 0, 1, HostEvent::Images(Ok(Vec::new())));
    assert_eq!(images_known(&s, 0), ImagesKnown::Loading);
    host(&mut s, 0, 2, HostEvent::Images(Ok(vec![image("h3")])));
    assert_eq!(images_known(&s, 0), ImagesKnown::Listed);
    assert_eq!(s.compose.as_ref().unwrap().image, "deb");
    typed(&mut s, "web");
    assert_eq!(chosen(&s), [("web".into(), Some("h3".into()))]);
    assert!(reasons(&s, 0, "h1").contains("its images can't be read: no pool"));
    assert!(reasons(&s, 0, "h2").contains("no image deb on it"));
}

#[test]
fn read_only_pools_preview_but_never_compose() {
    for config in [
        CONFIG.replace("name = \"lab\"\n", "name = \"lab\"\nread_only = true\n"),
        format!("read_only = true\n{CONFIG}"),
    ] {
        let mut s = lab(&config);
        command(&mut s, "compose web --type small --image deb");
        assert_eq!(s.screen().view, View::Compose { pool: 0 });
        assert!(
            s.status.clone().unwrap().text.contains("read-only"),
            "{:?}",
            s.status
        );
        assert_eq!(chosen(&s), [("web".into(), Some("h2".into()))]);
        let effects = ctrl(&mut s, 's');
        assert!(compose_effects(&effects).is_empty());
        assert!(s.confirm.is_none());
        assert_eq!(
            s.status.clone().unwrap().text,
            "refused: pool lab is read-only (the form only previews)"
        );
        tab_to(&mut s, Field::Compose);
        key(&mut s, KeyCode::Enter);
        assert!(s.confirm.is_none());
    }
}

#[test]
fn compose_words_fill_the_form_and_the_user_data_file_the_text_area() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ud.yaml");
    std::fs::write(
        &file,
        "#cloud-config\nhostname: {{name}}\npackages: [htop]\n",
    )
    .unwrap();
    let mut s = lab(CONFIG);
    let effects = command(
        &mut s,
        &format!(
            "compose db --type small --image deb --count 2 --group apart --host h3 --user-data {}",
            file.display()
        ),
    );
    // What the effect runner does with it.
    let [Effect::ReadUserData(args)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let text = vmdeck::compose::UserData::read(&file);
    update(
        &mut s,
        Msg::UserData {
            args: args.clone(),
            text,
        },
    );
    let form = s.compose.as_ref().unwrap();
    assert_eq!(
        (
            form.name.as_str(),
            form.count.as_str(),
            form.vm_type.as_str(),
            form.image.as_str(),
            form.group.as_deref(),
            form.host.as_deref()
        ),
        ("db", "2", "small", "deb", Some("apart"), Some("h3"))
    );
    assert_eq!(
        form.user_data.lines(),
        ["#cloud-config", "hostname: {{name}}", "packages: [htop]"]
    );
    assert!(form.edited, "a file's text is the admin's own: Esc asks");
    // --host h3 under hard anti-affinity: db-1 has nowhere to go.
    assert_eq!(
        chosen(&s),
        [("db-0".into(), Some("h3".into())), ("db-1".into(), None)]
    );
    key(&mut s, KeyCode::Esc);
    assert!(s.confirm.is_some());

    let mut s = lab(CONFIG);
    // The file is read by an effect, not by `update`; its answer opens the form or says why.
    let effects = command(&mut s, "compose db --user-data /no/such/file");
    let [Effect::ReadUserData(args)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert!(s.compose.is_none());
    let text = Err("--user-data /no/such/file: No such file or directory".into());
    let args = args.clone();
    update(
        &mut s,
        Msg::UserData {
            args: args.clone(),
            text,
        },
    );
    assert!(s.compose.is_none());
    assert!(
        s.status
            .clone()
            .unwrap()
            .text
            .starts_with("--user-data /no/such/file: ")
    );
    let text = Ok(vmdeck::compose::UserData::text(
        "#cloud-config\nhostname: mine\n",
    ));
    update(&mut s, Msg::UserData { args, text });
    let form = s.compose.as_ref().unwrap();
    assert!(form.edited && form.user_data_text().contains("hostname: mine"));
    update(
        &mut s,
        Msg::Key(crossterm::event::KeyEvent::from(KeyCode::Esc)),
    );
    key(&mut s, KeyCode::Char('y'));
    command(&mut s, "compose db --colour red");
    // The command table refuses it first, with the usage line.
    let text = s.status.clone().unwrap().text;
    assert!(
        text.starts_with(":compose: unknown option --colour — usage: :compose [NAME]"),
        "{text}"
    );
}

#[test]
fn images_lists_a_pools_images_and_asks_its_hosts_again() {
    let mut s = lab(CONFIG);
    let effects = command(&mut s, "images");
    assert_eq!(s.screen().view, View::Images { pool: 0 });
    assert_eq!(image_requests(&effects), [0, 1, 2]);
    command(&mut s, "images nowhere");
    assert_eq!(s.screen().view, View::Images { pool: 0 });
    assert!(s.status.is_some());
    // n composes from there too.
    key(&mut s, KeyCode::Char('n'));
    assert_eq!(s.screen().view, View::Compose { pool: 0 });
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
    command(&mut s, "scale 1");
    let question = s.confirm.clone().unwrap().question;
    assert_eq!(
        question,
        "Scale set db 2 → 1: delete db-1 on h3 with disks (highest first), restamp 1? Type 1 (running ones) to confirm:"
    );
    assert!(
        key(&mut s, KeyCode::Enter).is_empty(),
        "Enter deletes nothing"
    );
    assert!(s.ops.list.is_empty());
    command(&mut s, "scale 1");
    typed(&mut s, "1");
    let effects = key(&mut s, KeyCode::Enter);
    assert!(matches!(
        &effects[..1],
        [Effect::Host {
            host: 2,
            command: HostCommand::Op {
                kind: OpKind::Delete {
                    with_storage: true,
                    force: true,
                },
                ..
            },
            ..
        }]
    ));

    command(&mut s, "scale 3");
    let question = s.confirm.clone().unwrap().question;
    assert_eq!(
        question,
        "Scale set db 2 → 3: compose db-2 → h1, restamp 2?"
    );
    let effects = key(&mut s, KeyCode::Char('y'));
    assert_eq!(compose_effects(&effects), [(0, "db-2".into())]);
}

#[test]
fn a_user_data_file_with_files_per_index_gives_each_member_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ud.yaml");
    std::fs::write(&file, "#cloud-config\nhostname: {{name}}\n").unwrap();
    for i in 0..2 {
        let own = format!("#cloud-config\nhostname: {{{{set}}}}-own-{i}\n");
        std::fs::write(dir.path().join(format!("ud.yaml.{i}")), own).unwrap();
    }
    let mut s = lab(CONFIG);
    let words = format!(
        "compose db --type small --image deb --count 2 --user-data {}",
        file.display()
    );
    let effects = command(&mut s, &words);
    let [Effect::ReadUserData(args)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let text = vmdeck::compose::UserData::read(&file);
    update(
        &mut s,
        Msg::UserData {
            args: args.clone(),
            text,
        },
    );
    // The text area holds the template; each member gets its own file.
    let form = s.compose.as_ref().unwrap();
    assert_eq!(
        form.user_data.lines(),
        ["#cloud-config", "hostname: {{name}}"]
    );
    let plan = preview(&s, form).unwrap();
    let texts: Vec<String> = plan
        .vms
        .iter()
        .map(|vm| vm.spec.clone().unwrap().user_data)
        .collect();
    assert_eq!(
        texts,
        [
            "#cloud-config\nhostname: db-own-0\n",
            "#cloud-config\nhostname: db-own-1\n"
        ]
    );
    // A third member has no file of its own: the preview says which is missing.
    tab_to(&mut s, Field::Count);
    key(&mut s, KeyCode::Backspace);
    typed(&mut s, "3");
    let form = s.compose.as_ref().unwrap();
    let err = preview(&s, form).unwrap_err();
    assert!(err.contains("ud.yaml.2 is missing for db-2"), "{err}");
}
