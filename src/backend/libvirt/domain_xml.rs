//! What the inventory reads from a domain's XML (`virDomainGetXMLDesc`): vmdeck's stamp
//! under `<metadata>` and the domain's size. One XML read per domain replaces
//! `virDomainGetMetadata`, which for every domain without a stamp fails and makes the
//! daemon log "metadata not found".

use roxmltree::{Document, Node};

use super::ffi::STAMP_NAMESPACE;
use super::xml::child;
use crate::model::VmStamp;
use crate::model::set::SetSpec;

/// The inventory's facts of one domain XML.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DomainFacts {
    pub stamp: VmStamp,
    /// Current vCPUs (`<vcpu current=…>`, else the count).
    pub vcpus: u32,
    /// Maximum memory (`<memory>`), bytes.
    pub memory_bytes: u64,
    /// The guest agent's channel: connected (live XML of a running domain), disconnected, or
    /// None when the domain has none (or the XML says no state).
    pub agent: Option<bool>,
}

/// Reads a domain XML; None when it is not one.
pub fn parse_domain(xml: &str) -> Option<DomainFacts> {
    let doc = Document::parse(xml).ok()?;
    let domain = doc.root_element();
    let stamp = child(domain, "metadata")
        .and_then(|metadata| {
            metadata
                .children()
                .find(|n| n.is_element() && n.tag_name().namespace() == Some(STAMP_NAMESPACE))
        })
        .map(stamp_of_element)
        .unwrap_or_default();
    let vcpus = child(domain, "vcpu")
        .and_then(|v| v.attribute("current").or_else(|| v.text()))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    let memory_bytes = child(domain, "memory").map_or(0, bytes_of);
    Some(DomainFacts {
        stamp,
        vcpus,
        memory_bytes,
        agent: agent_connected(domain),
    })
}

/// The state libvirt gives the `org.qemu.guest_agent.0` channel's target in a running
/// domain's XML: the agent answers once the guest has booted far enough to run it.
fn agent_connected(domain: Node) -> Option<bool> {
    let target = child(domain, "devices")?
        .children()
        .filter(|n| n.has_tag_name("channel"))
        .filter_map(|channel| child(channel, "target"))
        .find(|t| t.attribute("name") == Some("org.qemu.guest_agent.0"))?;
    match target.attribute("state")? {
        "connected" => Some(true),
        "disconnected" => Some(false),
        _ => None,
    }
}

/// vmdeck's stamp from its metadata element alone, as `virDomainGetMetadata` gives it.
pub fn parse_stamp(xml: &str) -> VmStamp {
    Document::parse(xml)
        .map(|doc| stamp_of_element(doc.root_element()))
        .unwrap_or_default()
}

fn stamp_of_element(element: Node) -> VmStamp {
    let attr = |name: &str| {
        element
            .attribute(name)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    VmStamp {
        vm_type: attr("type"),
        group: attr("group"),
        set: attr("set"),
        image: attr("image"),
        clone_of: attr("clone-of"),
        set_spec: SetSpec::from_fields(attr),
    }
}

/// A libvirt scaled integer (`<memory unit='KiB'>`, KiB when no unit is given) in bytes.
fn bytes_of(node: Node) -> u64 {
    let value: u64 = node.text().and_then(|t| t.trim().parse().ok()).unwrap_or(0);
    let scale: u64 = match node.attribute("unit").unwrap_or("KiB") {
        "b" | "bytes" => 1,
        "KB" => 1000,
        "k" | "KiB" => 1 << 10,
        "MB" => 1_000_000,
        "M" | "MiB" => 1 << 20,
        "GB" => 1_000_000_000,
        "G" | "GiB" => 1 << 30,
        "TB" => 1_000_000_000_000,
        "T" | "TiB" => 1 << 40,
        _ => 1 << 10,
    };
    value.saturating_mul(scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAMPED: &str = r#"<domain type='qemu' id='5'>
  <name>lab1-web</name>
  <memory unit='KiB'>131072</memory>
  <vcpu placement='static' current='1'>2</vcpu>
  <metadata>
    <other:app xmlns:other="https://example.org/app"><other:x type="not-ours"/></other:app>
    <vmdeck:vm xmlns:vmdeck="https://vmdeck.dev/xmlns/vm/1" type="small" group="web" set="" image="lab-busybox"/>
  </metadata>
</domain>"#;

    #[test]
    fn reads_the_stamp_of_vmdecks_namespace_and_the_size() {
        let facts = parse_domain(STAMPED).unwrap();
        assert_eq!(facts.stamp.vm_type.as_deref(), Some("small"));
        assert_eq!(facts.stamp.group.as_deref(), Some("web"));
        assert_eq!(facts.stamp.set, None);
        assert_eq!(facts.stamp.image.as_deref(), Some("lab-busybox"));
        assert_eq!((facts.vcpus, facts.memory_bytes), (1, 128 << 20));
    }

    #[test]
    fn a_domain_without_a_stamp_has_an_empty_one() {
        let xml = "<domain><memory unit='MiB'>1024</memory><vcpu>4</vcpu></domain>";
        let facts = parse_domain(xml).unwrap();
        assert_eq!(facts.stamp, VmStamp::default());
        assert_eq!((facts.vcpus, facts.memory_bytes), (4, 1 << 30));
        assert_eq!(parse_domain("not xml"), None);
    }

    #[test]
    fn the_guest_agent_channel_says_whether_the_guest_booted() {
        let with = |target: &str| {
            format!(
                "<domain><devices><channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'{target}/></channel>\
                 <channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0' state='connected'/></channel></devices></domain>"
            )
        };
        let agent = |xml: &str| parse_domain(xml).unwrap().agent;
        assert_eq!(agent(&with(" state='connected'")), Some(true));
        assert_eq!(agent(&with(" state='disconnected'")), Some(false));
        // Defined but not running: no state; no channel at all: nothing to ask.
        assert_eq!(agent(&with("")), None);
        assert_eq!(agent("<domain><devices/></domain>"), None);
    }

    #[test]
    fn reads_a_metadata_element_alone() {
        let stamp = parse_stamp(
            r#"<vmdeck:vm xmlns:vmdeck="https://vmdeck.dev/xmlns/vm/1" type="small" group="web" set=""/>"#,
        );
        assert_eq!(stamp.vm_type.as_deref(), Some("small"));
        assert_eq!(stamp.group.as_deref(), Some("web"));
        assert_eq!(stamp.set, None);
    }

    #[test]
    fn reads_a_members_set_spec_with_escaped_values() {
        let stamp = parse_stamp(
            r#"<vmdeck:vm xmlns:vmdeck="https://vmdeck.dev/xmlns/vm/1" type="small" set="web"
                set-replicas="3" set-type="small" set-image="lab-busybox" set-group="a &amp; &lt;b&gt;"
                set-user-data="ab12" set-min="1" set-generation="1700000000000"/>"#,
        );
        let spec = stamp.set_spec.unwrap();
        assert_eq!((spec.replicas, spec.min, spec.max), (3, Some(1), None));
        assert_eq!(spec.group.as_deref(), Some("a & <b>"));
        assert_eq!(spec.user_data_digest.as_deref(), Some("ab12"));
        assert_eq!(spec.generation, 1_700_000_000_000);
        // A count that is not a number is no spec.
        let broken = parse_stamp(
            r#"<vmdeck:vm xmlns:vmdeck="https://vmdeck.dev/xmlns/vm/1" set="web" set-replicas="x" set-generation="1"/>"#,
        );
        assert_eq!(broken.set_spec, None);
    }
}
