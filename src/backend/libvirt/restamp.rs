//! Rewrites the set spec in one domain's vmdeck stamp (`virDomainSetMetadata`), keeping the
//! rest of the stamp: after a scale or a spec change every member says the same thing.
//! The domain's metadata-change event brings the new stamp to the inventory.

use virt::connect::Connect;
use virt::domain::Domain;
use virt::sys;

use super::compose_xml::stamp_attributes;
use super::domain_xml::parse_stamp;
use super::ffi::{STAMP_NAMESPACE, metadata_stamp};
use crate::model::set::SetSpec;

/// Restamps the domain `uuid` with `spec`.
pub fn restamp(conn: &Connect, uuid: &str, spec: &SetSpec) -> Result<(), String> {
    let dom = conn
        .lookup_domain_by_uuid_string(uuid)
        .map_err(|e| e.message().to_string())?;
    restamp_domain(&dom, spec)
}

/// Restamps the domain named `name` with `spec`.
pub fn restamp_named(conn: &Connect, name: &str, spec: &SetSpec) -> Result<(), String> {
    let dom = conn
        .lookup_domain_by_name(name)
        .map_err(|e| e.message().to_string())?;
    restamp_domain(&dom, spec)
}

fn restamp_domain(dom: &Domain, spec: &SetSpec) -> Result<(), String> {
    let text = metadata_stamp(dom).ok_or("the VM carries no vmdeck stamp")?;
    let mut stamp = parse_stamp(&text);
    if stamp.set.is_none() {
        return Err("the VM is in no set".into());
    }
    stamp.set_spec = Some(spec.clone());
    let message = |e: virt::error::Error| e.message().to_string();
    // The running definition and the persistent one each carry the stamp; a flag for a
    // side the domain does not have is an error.
    let mut flags = 0;
    if dom.is_active().map_err(message)? {
        flags |= sys::VIR_DOMAIN_AFFECT_LIVE;
    }
    if dom.is_persistent().map_err(message)? {
        flags |= sys::VIR_DOMAIN_AFFECT_CONFIG;
    }
    // libvirt puts the element in the namespace itself (under the prefix `vmdeck`): one
    // declared here as well would clash.
    let element = format!("<vm{}/>", stamp_attributes(&stamp));
    dom.set_metadata(
        sys::VIR_DOMAIN_METADATA_ELEMENT as i32,
        Some(&element),
        Some("vmdeck"),
        Some(STAMP_NAMESPACE),
        flags,
    )
    .map_err(message)
}

#[cfg(test)]
mod tests {
    use super::super::compose_xml::stamp_attributes;
    use super::*;
    use crate::model::VmStamp;

    #[test]
    fn a_stamped_template_keeps_its_lines_tabs_and_markup() {
        let template = "#cloud-config\nhostname: {{name}}\nruncmd:\n\t- echo '<a & \"b\">'\r\n";
        let spec = SetSpec {
            replicas: 2,
            user_data: Some(template.into()),
            generation: 3,
            ..SetSpec::default()
        };
        let stamp = VmStamp {
            set: Some("web".into()),
            set_spec: Some(spec.clone()),
            ..VmStamp::default()
        };
        let attrs = stamp_attributes(&stamp);
        assert!(!attrs.contains('\n'), "{attrs}");
        let xml = format!("<vmdeck:vm xmlns:vmdeck='{STAMP_NAMESPACE}'{attrs}/>");
        assert_eq!(parse_stamp(&xml).set_spec, Some(spec));
    }
}
