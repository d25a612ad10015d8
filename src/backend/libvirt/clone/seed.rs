//! A clone of a composed VM is a new machine to cloud-init: instead of sharing or copying the
//! source's NoCloud seed, it gets a seed of its own with a new instance id and its own name.

use virt::connect::Connect;
use virt::storage_vol::StorageVol;
use virt::stream::Stream;

use super::made::Made;
use super::volumes::{SourceVol, volume_xml};
use crate::cloudinit;

/// Seeds are a few MiB; nothing bigger is downloaded to look for one.
const MAX_SEED: u64 = 128 << 20;

fn message(e: virt::error::Error) -> String {
    e.message().to_string()
}

/// The source volume's `meta-data` and `user-data` when it is a raw NoCloud seed.
pub fn read(conn: &Connect, source: &SourceVol) -> Option<(String, String)> {
    let info = source.vol.info().ok()?;
    let xml = source.vol.xml_desc(0).ok()?;
    let raw = super::super::images::volume_format(&xml).is_none_or(|f| f == "raw");
    if !raw || info.capacity > MAX_SEED {
        return None;
    }
    let bytes = download(conn, &source.vol, info.capacity).ok()?;
    cloudinit::read_nocloud_seed(bytes)
}

/// A new seed volume for `clone` in the source seed's pool, from the source's texts; returns
/// its path.
pub fn make(
    conn: &Connect,
    source: &SourceVol,
    (meta, user): (&str, &str),
    clone: &str,
    made: &mut Made,
) -> Result<String, String> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Unique even for a clone that takes the name of a deleted one.
    let instance_id = format!("vmdeck-{clone}-{secs:x}");
    let meta = cloudinit::reidentify_meta_data(meta, &instance_id, clone);
    let user = cloudinit::with_hostname(user, clone);
    let bytes = cloudinit::nocloud_seed(&meta, &user)?;
    let name = format!("{clone}-cidata.img");
    made.will_make(&source.pool, &name)?;
    let xml = volume_xml(&name, bytes.len() as u64, "raw", None);
    let vol = StorageVol::create_xml(&source.pool, &xml, 0)
        .map_err(|e| format!("cannot make the seed {name}: {}", e.message()))?;
    super::super::compose::upload(conn, &vol, &bytes)?;
    vol.path().map_err(message)
}

/// The first `len` bytes of `vol` over a libvirt stream (`virStorageVolDownload`).
fn download(conn: &Connect, vol: &StorageVol, len: u64) -> Result<Vec<u8>, String> {
    let stream = Stream::new(conn, 0).map_err(message)?;
    vol.download(&stream, 0, len, 0).map_err(message)?;
    let mut bytes = Vec::new();
    let mut buf = vec![0u8; 256 << 10];
    loop {
        match stream.recv(&mut buf) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&buf[..n.unsigned_abs()]),
            Err(e) => {
                let _ = stream.abort();
                return Err(message(e));
            }
        }
    }
    stream.finish().map_err(message)?;
    Ok(bytes)
}
