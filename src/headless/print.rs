//! How `vmdeck list` and `vmdeck images` print: JSON, or a table padded by display width
//! (CJK and emoji names keep the columns straight) in which nothing is cut.

use std::io::Write;

use super::{ListedImage, ListedVm};
use crate::app::columns::{Spec, number, plain_table, text};
use crate::cli::Output;
use crate::model::units::bytes;

const IMAGE_COLUMNS: [Spec; 6] = [
    text("POOL", 4, 0),
    text("HOST", 4, 0),
    text("IMAGE", 5, 0),
    text("FORMAT", 6, 0),
    number("SIZE", 0),
    text("LOCATION", 8, 0),
];

pub(super) fn print_images(rows: &[ListedImage], output: Output) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    if output == Output::Json {
        serde_json::to_writer_pretty(&mut out, rows)?;
        return writeln!(out);
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let image = &row.image;
            vec![
                row.pool.clone(),
                image.host.clone(),
                image.name.clone(),
                image.format.clone(),
                bytes(image.size_bytes),
                image.location.clone(),
            ]
        })
        .collect();
    for line in plain_table(&IMAGE_COLUMNS, &cells) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

const VM_COLUMNS: [Spec; 7] = [
    text("POOL", 4, 0),
    text("HOST", 4, 0),
    text("NAME", 4, 0),
    text("STATE", 5, 0),
    number("VCPU", 0),
    number("MEMORY", 0),
    text("TYPE", 4, 0),
];

/// `--output table` pads by display width (CJK and emoji names keep the columns straight)
/// and cuts nothing: each column is as wide as its widest cell.
pub(super) fn print_vms(vms: &[ListedVm], output: Output) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    if output == Output::Json {
        serde_json::to_writer_pretty(&mut out, vms)?;
        return writeln!(out);
    }
    let cells: Vec<Vec<String>> = vms
        .iter()
        .map(|vm| {
            vec![
                vm.pool.clone(),
                vm.host.clone(),
                vm.name.clone(),
                vm.state.as_str().to_string(),
                vm.vcpus.to_string(),
                bytes(vm.memory_bytes),
                vm.vm_type.clone().unwrap_or_default(),
            ]
        })
        .collect();
    for line in plain_table(&VM_COLUMNS, &cells) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}
