//! The source's domain XML as the clone's: new name, no UUID and no MACs (libvirt makes new
//! ones), disks and NVRAM pointing at the clone's own files, and vmdeck's stamp saying where
//! it came from. Edits are made on the text by node ranges, so everything else stays as
//! libvirt wrote it; every value put in is escaped.

use std::collections::HashMap;
use std::ops::Range;

use roxmltree::{Document, Node};

use super::super::compose_xml::xml_escape;
use super::super::ffi::STAMP_NAMESPACE;

/// A disk of the clone that replaces one of the source's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDisk {
    pub path: String,
    /// The driver type it needs ("qcow2" for overlays and copies, "raw" for a seed).
    pub format: String,
}

pub struct Plan<'a> {
    pub name: &'a str,
    pub source_name: &'a str,
    /// By the source disk's path.
    pub disks: &'a HashMap<String, NewDisk>,
    /// The clone's own NVRAM file; None: libvirt makes a fresh one from the template.
    pub nvram: Option<&'a str>,
}

pub fn rewrite(xml: &str, plan: &Plan) -> Result<String, String> {
    let doc = Document::parse(xml).map_err(|e| format!("domain XML: {e}"))?;
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    for node in doc.descendants().filter(Node::is_element) {
        edits.extend(edit(node, plan));
    }
    let mut out = xml.to_string();
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    for (range, text) in edits {
        out.replace_range(range, &text);
    }
    Ok(out)
}

/// The edit `node` needs, if any.
fn edit(node: Node, plan: &Plan) -> Option<(Range<usize>, String)> {
    let parent = node.parent_element()?;
    let new_disk = || disk_source(parent).and_then(|s| plan.disks.get(s));
    match (node.tag_name().name(), parent.tag_name().name()) {
        ("name", "domain") => set_text(node, xml_escape(plan.name)),
        ("uuid", "domain") | ("mac", "interface") => Some((node.range(), String::new())),
        ("nvram", "os") => set_text(node, plan.nvram.map(xml_escape).unwrap_or_default()),
        ("source", "disk") => {
            let attr = node.attributes().find(|a| a.name() == "file")?;
            Some((attr.range_value(), xml_escape(&new_disk()?.path)))
        }
        ("driver", "disk") => {
            let attr = node.attributes().find(|a| a.name() == "type")?;
            Some((attr.range_value(), xml_escape(&new_disk()?.format)))
        }
        // The source's chain is not the clone's; libvirt reads the new one from the image.
        ("backingStore", "disk") => new_disk().map(|_| (node.range(), String::new())),
        ("vm", "metadata") if node.tag_name().namespace() == Some(STAMP_NAMESPACE) => {
            Some(stamp(node, plan.source_name))
        }
        _ => None,
    }
}

/// Replaces the text of `node` (an element with only text in it) by `text`.
fn set_text(node: Node, text: String) -> Option<(Range<usize>, String)> {
    if let Some(child) = node.first_child().filter(Node::is_text) {
        return Some((child.range(), text));
    }
    if text.is_empty() {
        return None;
    }
    let range = node.range();
    let name = node.tag_name().name();
    if node.document().input_text()[range.clone()].ends_with("/>") {
        return Some((range.end - 2..range.end, format!(">{text}</{name}>")));
    }
    let at = range.end - format!("</{name}>").len();
    Some((at..at, text))
}

fn disk_source<'a>(disk: Node<'a, '_>) -> Option<&'a str> {
    disk.children()
        .find(|n| n.has_tag_name("source"))?
        .attribute("file")
}

/// `clone-of` names the nearest source (a clone of a clone names the clone).
fn stamp(node: Node, source_name: &str) -> (Range<usize>, String) {
    let value = xml_escape(source_name);
    if let Some(attr) = node.attributes().find(|a| a.name() == "clone-of") {
        return (attr.range_value(), value);
    }
    // Right after `<prefix:vm`: the new attribute goes first.
    let prefix = node
        .lookup_prefix(STAMP_NAMESPACE)
        .map_or(0, |p| p.len() + 1);
    let end = node.range().start + 1 + prefix + node.tag_name().name().len();
    (end..end, format!(" clone-of=\"{value}\""))
}

#[cfg(test)]
mod tests;
