//! Images on a libvirt host: the volumes of the pool's image storage pool.

use virt::connect::Connect;
use virt::storage_pool::StoragePool;
use virt::storage_vol::StorageVol;

use super::connection::is_read_only;
use crate::model::compose::{Image, image_name};

fn message(e: virt::error::Error) -> String {
    e.message().to_string()
}

/// The host's storage pool `name`, active and refreshed (an image copied in by hand shows
/// up) — but not over a read-only connection, which refuses a refresh: it then shows what
/// libvirt last saw.
pub fn storage_pool(conn: &Connect, name: &str, role: &str) -> Result<StoragePool, String> {
    let pool = conn
        .lookup_storage_pool_by_name(name)
        .map_err(|_| format!("the host has no storage pool '{name}' ({role})"))?;
    if !pool.is_active().map_err(message)? {
        return Err(format!(
            "storage pool '{name}' ({role}) is not running on the host"
        ));
    }
    if !is_read_only(conn) {
        let _ = pool.refresh(0);
    }
    Ok(pool)
}

/// The images of `image_pool` on the host called `host`, by name.
pub fn list(conn: &Connect, image_pool: &str, host: &str) -> Result<Vec<Image>, String> {
    let pool = storage_pool(conn, image_pool, "image_pool")?;
    let mut images: Vec<Image> = pool
        .list_all_volumes(0)
        .map_err(message)?
        .iter()
        .filter_map(|vol| image(vol, host).ok())
        .collect();
    images.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(images)
}

/// The volume of the image `wanted` in `image_pool`, with its format.
pub fn find(conn: &Connect, image_pool: &str, wanted: &str) -> Result<(StorageVol, Image), String> {
    let pool = storage_pool(conn, image_pool, "image_pool")?;
    for vol in pool.list_all_volumes(0).map_err(message)? {
        let Ok(image) = image(&vol, "") else { continue };
        if image.is_named(wanted) {
            return Ok((vol, image));
        }
    }
    Err(format!(
        "no image '{wanted}' in storage pool '{image_pool}' on this host"
    ))
}

fn image(vol: &StorageVol, host: &str) -> Result<Image, String> {
    let name = vol.name().map_err(message)?;
    let xml = vol.xml_desc(0).map_err(message)?;
    Ok(Image {
        name: image_name(&name).to_string(),
        host: host.to_string(),
        format: volume_format(&xml).unwrap_or_else(|| "raw".into()),
        size_bytes: vol.info().map_err(message)?.capacity,
        location: vol.path().map_err(message)?,
    })
}

/// `<target><format type='qcow2'/>` of a volume's XML.
pub fn volume_format(xml: &str) -> Option<String> {
    roxmltree::Document::parse(xml).ok().and_then(|doc| {
        let target = doc
            .root_element()
            .children()
            .find(|n| n.has_tag_name("target"))?;
        let format = target.children().find(|n| n.has_tag_name("format"))?;
        format.attribute("type").map(str::to_string)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_of_the_test_drivers_pool() {
        let conn = Connect::open(Some("test:///default")).unwrap();
        let pool = storage_pool(&conn, "default-pool", "image_pool").unwrap();
        let xml = "<volume><name>debian-12.qcow2</name><capacity unit='bytes'>1048576</capacity>\
                   <target><format type='qcow2'/></target></volume>";
        StorageVol::create_xml(&pool, xml, 0).unwrap();
        let images = list(&conn, "default-pool", "t").unwrap();
        let debian = images.iter().find(|i| i.name == "debian-12").unwrap();
        assert_eq!(
            (debian.format.as_str(), debian.size_bytes),
            ("qcow2", 1 << 20)
        );
        assert!(find(&conn, "default-pool", "debian-12.qcow2").is_ok());
        let missing = find(&conn, "default-pool", "arch").unwrap_err();
        assert!(missing.contains("no image 'arch'"), "{missing}");
        let no_pool = list(&conn, "images", "t").unwrap_err();
        assert!(no_pool.contains("no storage pool 'images'"), "{no_pool}");
    }
}
