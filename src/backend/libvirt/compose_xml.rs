//! The libvirt XML that composing a VM needs: the domain made from a VM type and an image,
//! and the volumes under it. Pure text, so what vmdeck asks a host for is tested without
//! one; every value that comes from config or the user is escaped, since names may hold
//! `&`, `'` or `<`.

mod attach;
mod cores;

pub use cores::CoreTune;

use super::ffi::STAMP_NAMESPACE;
use crate::model::VmStamp;

/// Where a VM that must stay on one NUMA node runs: the host node and that node's CPUs.
#[derive(Debug, Clone, Copy)]
pub struct NumaPin<'a> {
    pub node: u32,
    pub cpus: &'a [u32],
}

/// Everything the domain XML is made from; the caller has made the disks already.
#[derive(Debug, Clone, Copy)]
pub struct DomainSpec<'a> {
    pub name: &'a str,
    /// "kvm", or "qemu" for TCG (the lab has no usable nested KVM).
    pub virt_type: &'a str,
    pub vcpus: u32,
    pub memory_bytes: u64,
    /// The root disk's path: a qcow2 overlay on the image, or a full copy of it.
    pub root_disk: &'a str,
    /// The root disk's format, as libvirt's driver wants it ("qcow2", "raw").
    pub root_format: &'a str,
    /// The cloud-init NoCloud seed (raw FAT labelled cidata), attached read-only as `vdb`.
    pub seed_disk: Option<&'a str>,
    /// Pin vCPUs, emulator threads and memory to one host NUMA node.
    pub numa_pin: Option<NumaPin<'a>>,
    /// A real-time VM's cores, emulator CPUs and scheduler; replaces `numa_pin`.
    pub cores: Option<CoreTune<'a>>,
    /// Back the memory with hugepages of this size (KiB).
    pub hugepage_kib: Option<u64>,
    /// A SEAPATH-style real-time slice, `<resource><partition>` (e.g. "/machine/rt").
    pub partition: Option<&'a str>,
    /// The libvirt network a virtio NIC joins; None: no NIC.
    pub network: Option<&'a str>,
    /// The GPUs, SR-IOV functions and networks placement chose for it.
    pub attach: &'a crate::model::compose::Attachments,
    pub stamp: &'a VmStamp,
}

/// The domain to define. It boots the image's own disk (no kernel), with a serial console
/// because that is what vmdeck's console attaches to.
pub fn domain_xml(spec: &DomainSpec) -> String {
    let mut xml = format!("<domain type='{}'>\n", xml_escape(spec.virt_type));
    xml.push_str(&format!("  <name>{}</name>\n", xml_escape(spec.name)));
    xml.push_str(&metadata(spec.stamp));
    xml.push_str(&format!(
        "  <memory unit='KiB'>{}</memory>\n",
        spec.memory_bytes.div_ceil(1024)
    ));
    xml.push_str(&format!(
        "  <vcpu placement='static'>{}</vcpu>\n",
        spec.vcpus
    ));
    match &spec.cores {
        Some(cores) => xml.push_str(&cores::core_tuning(cores)),
        None => xml.push_str(&numa_tuning(spec)),
    }
    if let Some(kib) = spec.hugepage_kib {
        // No `nodeset` on the page: it names *guest* NUMA nodes, and this guest has only
        // the implicit node 0, so a host node's id there is refused; `<numatune>` already
        // puts the memory, hugepages too, on the host node.
        xml.push_str(&format!(
            "  <memoryBacking><hugepages><page size='{kib}' unit='KiB'/></hugepages></memoryBacking>\n"
        ));
    }
    if let Some(partition) = spec.partition {
        xml.push_str(&format!(
            "  <resource><partition>{}</partition></resource>\n",
            xml_escape(partition)
        ));
    }
    xml.push_str(
        "  <os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n    <boot dev='hd'/>\n  </os>\n",
    );
    xml.push_str("  <features><acpi/><apic/></features>\n");
    if spec.virt_type == "kvm" {
        // TCG cannot pass the host CPU through; KVM can, and guests run best with it.
        xml.push_str("  <cpu mode='host-passthrough'/>\n");
    }
    xml.push_str("  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n");
    xml.push_str("  <on_crash>destroy</on_crash>\n");
    xml.push_str(&devices(spec));
    xml.push_str("</domain>\n");
    xml
}

/// vmdeck's stamp, so the inventory knows the VM's type, group, set (with the set's spec)
/// and image later.
fn metadata(stamp: &VmStamp) -> String {
    let attrs = stamp_attributes(stamp);
    format!(
        "  <metadata>\n    <vmdeck:vm xmlns:vmdeck='{STAMP_NAMESPACE}'{attrs}/>\n  </metadata>\n"
    )
}

/// The stamp's attributes: only those that are set, every value escaped.
pub(super) fn stamp_attributes(stamp: &VmStamp) -> String {
    let fields = [
        ("type", &stamp.vm_type),
        ("group", &stamp.group),
        ("set", &stamp.set),
        ("image", &stamp.image),
        ("clone-of", &stamp.clone_of),
    ];
    let set_fields = stamp.set_spec.iter().flat_map(|spec| spec.fields());
    fields
        .iter()
        .filter_map(|(key, value)| Some((*key, (*value).clone()?)))
        .chain(set_fields)
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!(" {key}='{}'", xml_escape(&value)))
        .collect()
}

/// Every vCPU and the emulator threads on the node's CPUs, the memory strictly on the node.
/// A node without known CPUs still binds the memory.
fn numa_tuning(spec: &DomainSpec) -> String {
    let Some(pin) = spec.numa_pin else {
        return String::new();
    };
    let mut xml = String::new();
    if !pin.cpus.is_empty() {
        let set = cpuset(pin.cpus);
        xml.push_str("  <cputune>\n");
        for vcpu in 0..spec.vcpus {
            xml.push_str(&format!("    <vcpupin vcpu='{vcpu}' cpuset='{set}'/>\n"));
        }
        xml.push_str(&format!(
            "    <emulatorpin cpuset='{set}'/>\n  </cputune>\n"
        ));
    }
    xml.push_str(&format!(
        "  <numatune><memory mode='strict' nodeset='{}'/></numatune>\n",
        pin.node
    ));
    xml
}

fn devices(spec: &DomainSpec) -> String {
    let mut xml = String::from("  <devices>\n");
    xml.push_str(&disk(spec.root_disk, spec.root_format, "vda", false));
    if let Some(seed) = spec.seed_disk {
        // Read-only: cloud-init only reads it, and the guest must not change what made it.
        xml.push_str(&disk(seed, "raw", "vdb", true));
    }
    if let Some(network) = spec.network {
        xml.push_str(&format!(
            "    <interface type='network'><source network='{}'/><model type='virtio'/></interface>\n",
            xml_escape(network)
        ));
    }
    xml.push_str(&attach::attachments_xml(spec.attach));
    xml.push_str("    <controller type='usb' model='none'/>\n");
    xml.push_str("    <serial type='pty'><target port='0'/></serial>\n");
    xml.push_str("    <console type='pty'><target type='serial' port='0'/></console>\n");
    // Stats every 5 s: the inventory reads the guest's memory use from them.
    xml.push_str("    <memballoon model='virtio'><stats period='5'/></memballoon>\n");
    xml.push_str("  </devices>\n");
    xml
}

fn disk(path: &str, format: &str, target: &str, readonly: bool) -> String {
    format!(
        "    <disk type='file' device='disk'><driver name='qemu' type='{}'/><source file='{}'/>\
         <target dev='{target}' bus='virtio'/>{}</disk>\n",
        xml_escape(format),
        xml_escape(path),
        if readonly { "<readonly/>" } else { "" }
    )
}

/// A qcow2 volume on `backing_path` (a linked clone of the image): made at once, and the
/// image stays shared.
pub fn overlay_volume_xml(
    name: &str,
    capacity_bytes: u64,
    backing_path: &str,
    backing_format: &str,
) -> String {
    format!(
        "<volume><name>{}</name><capacity unit='bytes'>{capacity_bytes}</capacity>\
         <target><format type='qcow2'/><permissions><mode>0600</mode></permissions></target><backingStore><path>{}</path>\
         <format type='{}'/></backingStore></volume>",
        xml_escape(name),
        xml_escape(backing_path),
        xml_escape(backing_format)
    )
}

/// A qcow2 volume with no backing store: the target of a full copy of the image.
pub fn qcow2_volume_xml(name: &str, capacity_bytes: u64) -> String {
    format!(
        "<volume><name>{}</name><capacity unit='bytes'>{capacity_bytes}</capacity>\
         <target><format type='qcow2'/><permissions><mode>0600</mode></permissions></target></volume>",
        xml_escape(name)
    )
}

/// A raw volume of `bytes`: the cloud-init seed, uploaded into it afterwards.
pub fn raw_volume_xml(name: &str, bytes: u64) -> String {
    format!(
        "<volume><name>{}</name><capacity unit='bytes'>{bytes}</capacity>\
         <target><format type='raw'/><permissions><mode>0600</mode></permissions></target></volume>",
        xml_escape(name)
    )
}

/// libvirt's set syntax, compact: `[0, 1, 2, 3, 8]` → `0-3,8`.
pub use crate::model::tuning::cpu_list as cpuset;

/// Text and attribute values (quoted either way) as XML.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&apos;"),
            '"' => out.push_str("&quot;"),
            // An attribute's newlines and tabs would be read back as spaces (XML normalises
            // attribute values): a stamped template keeps its lines as character references.
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
