//! The NoCloud seed disk: a FAT12 image labelled `cidata` with `meta-data` and `user-data` in
//! its root directory, built in memory. FAT rather than ISO 9660 because a writer for it exists
//! as a small pure-Rust crate (fatfs) and every cloud image's kernel mounts vfat.

use std::io::{Cursor, Read, Write};

use fatfs::{FatType, FileSystem, FormatVolumeOptions, FsOptions, ReadWriteSeek};

/// cloud-init looks for a filesystem labelled `cidata` or `CIDATA`; padded to FAT's 11 bytes.
const LABEL: [u8; 11] = *b"cidata     ";
const MIB: usize = 1 << 20;
/// Small enough to upload in an instant, big enough for any hand-written user-data.
const MIN_SIZE: usize = MIB;
/// Room for the FATs, the root directory and the slack of the last cluster of each file.
const OVERHEAD: usize = 256 << 10;
/// FAT12 holds at most 4084 clusters of at most 32 KiB (about 127 MiB); stay well below that.
const MAX_CONTENT: usize = 64 * MIB;
/// FAT directory entry attribute of a volume label.
const ATTR_VOLUME_ID: u8 = 0x08;

/// A NoCloud seed image holding `meta_data` and `user_data`, ready to be written to a raw
/// volume attached to the VM. Its size is a whole number of MiB (so of 512-byte sectors): 1 MiB,
/// or more when the files need it.
pub fn nocloud_seed(meta_data: &str, user_data: &str) -> Result<Vec<u8>, String> {
    let content = meta_data.len() + user_data.len();
    if content > MAX_CONTENT {
        return Err(format!(
            "cloud-init seed: meta-data and user-data are {content} bytes, more than the {} MiB a seed disk holds",
            MAX_CONTENT / MIB
        ));
    }
    let mut disk = Cursor::new(vec![0u8; image_size(content)]);
    let options = FormatVolumeOptions::new()
        .fat_type(FatType::Fat12)
        .volume_label(LABEL);
    fatfs::format_volume(&mut disk, options)
        .map_err(|e| format!("cloud-init seed: cannot format the FAT image: {e}"))?;
    write_label_entry(disk.get_mut())?;
    let fs = FileSystem::new(&mut disk, FsOptions::new())
        .map_err(|e| format!("cloud-init seed: cannot open the new FAT image: {e}"))?;
    write_file(&fs, "meta-data", meta_data)?;
    write_file(&fs, "user-data", user_data)?;
    fs.unmount()
        .map_err(|e| format!("cloud-init seed: cannot finish the FAT image: {e}"))?;
    Ok(disk.into_inner())
}

/// The `meta-data` and `user-data` of a NoCloud seed image, or None when `image` is not a FAT
/// file system labelled `cidata` holding both.
pub fn read_nocloud_seed(image: Vec<u8>) -> Option<(String, String)> {
    let fs = FileSystem::new(Cursor::new(image), FsOptions::new()).ok()?;
    let label = fs.read_volume_label_from_root_dir().ok().flatten();
    let label = label.unwrap_or_else(|| fs.volume_label());
    if !label.trim().eq_ignore_ascii_case("cidata") {
        return None;
    }
    let read = |name: &str| {
        let mut text = String::new();
        let mut file = fs.root_dir().open_file(name).ok()?;
        file.read_to_string(&mut text).ok()?;
        Some(text)
    };
    Some((read("meta-data")?, read("user-data")?))
}

/// The image size for `content` bytes of files: at least [`MIN_SIZE`], rounded up to a MiB,
/// with 1/16 extra for cluster slack on top of the fixed overhead.
fn image_size(content: usize) -> usize {
    let needed = content + content / 16 + OVERHEAD;
    needed.div_ceil(MIB).max(MIN_SIZE / MIB) * MIB
}

/// Writes the label also as the first root directory entry, as `mkfs.fat -n` does: fatfs only
/// puts it in the boot sector, and blkid (which cloud-init asks) prefers the directory entry.
fn write_label_entry(image: &mut [u8]) -> Result<(), String> {
    let u16_at = |at: usize| {
        image
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let geometry = (u16_at(11), u16_at(14), image.get(16).copied(), u16_at(22));
    let (Some(sector), Some(reserved), Some(fats), Some(per_fat)) = geometry else {
        return Err("cloud-init seed: the FAT boot sector is truncated".to_string());
    };
    let root = (reserved + usize::from(fats) * per_fat) * sector;
    let entry = image.get_mut(root..root + 32).ok_or_else(|| {
        "cloud-init seed: the FAT root directory lies outside the image".to_string()
    })?;
    entry.fill(0);
    entry[..11].copy_from_slice(&LABEL);
    entry[11] = ATTR_VOLUME_ID;
    Ok(())
}

fn write_file<T: ReadWriteSeek>(fs: &FileSystem<T>, name: &str, text: &str) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("cloud-init seed: cannot write {name}: {e}");
    let mut file = fs.root_dir().create_file(name).map_err(fail)?;
    file.truncate().map_err(fail)?;
    file.write_all(text.as_bytes()).map_err(fail)?;
    file.flush().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Opens `image` with fatfs and returns (FAT type, label in the boot sector, label in the root
    /// directory, files in the root directory with their contents).
    fn read_back(image: Vec<u8>) -> (FatType, String, Option<String>, Vec<(String, String)>) {
        let fs = FileSystem::new(Cursor::new(image), FsOptions::new()).unwrap();
        let mut files = Vec::new();
        for entry in fs.root_dir().iter() {
            let entry = entry.unwrap();
            let mut text = String::new();
            entry.to_file().read_to_string(&mut text).unwrap();
            files.push((entry.file_name(), text));
        }
        let label = fs.read_volume_label_from_root_dir().unwrap();
        (fs.fat_type(), fs.volume_label(), label, files)
    }

    #[test]
    fn seed_is_a_cidata_fat12_with_both_files() {
        let image =
            nocloud_seed("instance-id: web-1\n", "#cloud-config\nhostname: web-1\n").unwrap();
        assert_eq!(image.len(), MIB);
        assert_eq!(image.len() % 512, 0);
        let (fat, label, dir_label, files) = read_back(image);
        assert_eq!(fat, FatType::Fat12);
        assert_eq!(label, "cidata");
        assert_eq!(dir_label.as_deref(), Some("cidata"));
        let expected = [
            ("meta-data".to_string(), "instance-id: web-1\n".to_string()),
            (
                "user-data".to_string(),
                "#cloud-config\nhostname: web-1\n".to_string(),
            ),
        ];
        assert_eq!(files, expected);
    }

    #[test]
    fn seed_grows_for_user_data_over_a_mebibyte() {
        let mut user =
            String::from("#cloud-config\nwrite_files:\n  - path: /big\n    content: |\n");
        while user.len() < 3 * MIB {
            user.push_str(
                "      0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
            );
        }
        let image = nocloud_seed("instance-id: big\n", &user).unwrap();
        assert!(
            image.len() > 3 * MIB && image.len().is_multiple_of(MIB),
            "{} bytes",
            image.len()
        );
        let (fat, _, _, files) = read_back(image);
        assert_eq!(fat, FatType::Fat12);
        assert_eq!(files[1].0, "user-data");
        assert!(files[1].1 == user, "user-data differs after the round trip");
    }

    #[test]
    fn a_seed_reads_back_and_other_images_do_not() {
        let image = nocloud_seed("instance-id: a\n", "#cloud-config\n").unwrap();
        assert_eq!(
            read_nocloud_seed(image),
            Some(("instance-id: a\n".into(), "#cloud-config\n".into()))
        );
        assert_eq!(read_nocloud_seed(vec![0; MIB]), None);
    }

    #[test]
    fn empty_files_are_fine() {
        let (_, _, _, files) = read_back(nocloud_seed("", "").unwrap());
        assert_eq!(files.len(), 2);
        assert!(files.iter().all(|(_, text)| text.is_empty()));
    }

    #[test]
    fn sizes_are_whole_mebibytes() {
        assert_eq!(image_size(0), MIB);
        assert_eq!(image_size(700 << 10), MIB);
        assert_eq!(image_size(MIB), 2 * MIB);
        assert!(image_size(MAX_CONTENT) < 127 * MIB);
    }

    #[test]
    fn too_much_content_is_refused() {
        let huge = "x".repeat(MAX_CONTENT + 1);
        let err = nocloud_seed("", &huge).unwrap_err();
        assert!(err.contains("64 MiB"), "{err}");
    }

    #[test]
    fn largest_allowed_content_fits() {
        let user = "y".repeat(MAX_CONTENT - 20);
        let (fat, _, _, files) = read_back(nocloud_seed("instance-id: x\n", &user).unwrap());
        assert_eq!(fat, FatType::Fat12);
        assert_eq!(files[1].1.len(), user.len());
    }
}
