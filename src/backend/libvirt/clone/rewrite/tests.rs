use std::collections::HashMap;

use roxmltree::Document;

use super::{NewDisk, Plan, rewrite};

const SOURCE: &str = r#"<domain type='qemu'>
  <name>web</name>
  <uuid>1234</uuid>
  <metadata><vmdeck:vm xmlns:vmdeck="https://vmdeck.dev/xmlns/vm/1" type="small"/></metadata>
  <os><type>hvm</type><loader readonly='yes' type='pflash'>/fw/code.fd</loader><nvram template='/fw/vars.fd'>/nv/web_VARS.fd</nvram></os>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/p/web.img'/>
      <backingStore type='file'><format type='raw'/><source file='/p/base.img'/></backingStore><target dev='vda'/></disk>
    <interface type='network'><mac address='52:54:00:01:02:03'/><source network='default'/></interface>
  </devices>
</domain>"#;

fn disks(pairs: &[(&str, &str, &str)]) -> HashMap<String, NewDisk> {
    pairs
        .iter()
        .map(|(old, path, format)| {
            let disk = NewDisk {
                path: path.to_string(),
                format: format.to_string(),
            };
            (old.to_string(), disk)
        })
        .collect()
}

/// The text of the first `tag` element, and the value of `attr` on the first element that has it.
fn text(xml: &str, tag: &str) -> String {
    let doc = Document::parse(xml).unwrap();
    let node = doc.descendants().find(|n| n.has_tag_name(tag));
    node.and_then(|n| n.text()).unwrap_or("").to_string()
}

fn attr(xml: &str, tag: &str, name: &str) -> String {
    let doc = Document::parse(xml).unwrap();
    let node = doc.descendants().find(|n| n.has_tag_name(tag));
    node.and_then(|n| n.attribute(name))
        .unwrap_or("")
        .to_string()
}

#[test]
fn rewrites_name_uuid_macs_disks_nvram_and_stamps_the_source() {
    let new = disks(&[("/p/web.img", "/p/web2-vda.qcow2", "qcow2")]);
    let plan = Plan {
        name: "web2",
        source_name: "web",
        disks: &new,
        nvram: Some("/nv/web2_VARS.fd"),
    };
    let out = rewrite(SOURCE, &plan).unwrap();
    assert_eq!(text(&out, "name"), "web2");
    assert!(!out.contains("<uuid>") && !out.contains("52:54:00:01:02:03"));
    assert_eq!(attr(&out, "source", "file"), "/p/web2-vda.qcow2");
    assert_eq!(attr(&out, "driver", "type"), "qcow2");
    assert!(!out.contains("backingStore"), "{out}");
    assert_eq!(text(&out, "nvram"), "/nv/web2_VARS.fd");
    assert_eq!(attr(&out, "nvram", "template"), "/fw/vars.fd");
    assert!(
        out.contains(r#"<vmdeck:vm clone-of="web" xmlns:vmdeck"#),
        "{out}"
    );
    let plan = Plan {
        name: "web3",
        source_name: "web2",
        disks: &HashMap::new(),
        nvram: None,
    };
    let again = rewrite(&out, &plan).unwrap();
    assert_eq!(attr(&again, "vm", "clone-of"), "web2");
    assert_eq!(text(&again, "nvram"), "", "never the source's NVRAM");
    assert_eq!(attr(&again, "source", "file"), "/p/web2-vda.qcow2");
}

#[test]
fn names_and_paths_with_markup_stay_data() {
    let name = "a&amp;b</name><memory>1</memory><name>c'\"";
    let source = "web<&>\"'";
    let new = disks(&[("/p/web.img", "/p/a&b'\"<-vda.qcow2", "qcow2")]);
    let plan = Plan {
        name,
        source_name: source,
        disks: &new,
        nvram: Some("/nv/a&b<_VARS.fd"),
    };
    let out = rewrite(SOURCE, &plan).unwrap();
    let doc = Document::parse(&out).unwrap();
    let names: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("name"))
        .collect();
    assert_eq!(names.len(), 1, "{out}");
    assert_eq!(names[0].text(), Some(name));
    assert!(!doc.descendants().any(|n| n.has_tag_name("memory")));
    assert_eq!(attr(&out, "vm", "clone-of"), source);
    assert_eq!(attr(&out, "source", "file"), "/p/a&b'\"<-vda.qcow2");
    assert_eq!(text(&out, "nvram"), "/nv/a&b<_VARS.fd");
}

#[test]
fn an_empty_nvram_element_gets_the_clones_path() {
    let xml = "<domain><name>w</name><os><nvram/></os></domain>";
    let plan = Plan {
        name: "w2",
        source_name: "w",
        disks: &HashMap::new(),
        nvram: Some("/nv/w2.fd"),
    };
    let out = rewrite(xml, &plan).unwrap();
    assert_eq!(text(&out, "nvram"), "/nv/w2.fd", "{out}");
}
