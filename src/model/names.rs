//! What a VM or snapshot may be called, checked before anything is made: libvirt takes almost
//! any text (vmdeck escapes it), Incus only host-name-like words. Both the reducer and the
//! backends ask, so a bad name is refused with the same sentence everywhere.

use super::Driver;

/// Longer names make volume file names (`NAME-vda.qcow2`, `NAME_VARS.fd`) too long for
/// file systems that allow 255 bytes.
const LIBVIRT_MAX: usize = 128;
/// Incus instance names are host names: one DNS label.
const INCUS_MAX: usize = 63;

/// Whether `name` can be a new VM's name on a `driver` host; the error is one sentence.
pub fn check_vm_name(name: &str, driver: Driver) -> Result<(), String> {
    match driver {
        Driver::Libvirt => libvirt_name(name, "VM"),
        Driver::Incus => incus_instance_name(name),
    }
}

/// Whether `name` can be a new snapshot's name on a `driver` host.
pub fn check_snapshot_name(name: &str, driver: Driver) -> Result<(), String> {
    libvirt_name(name, "snapshot")?;
    if matches!(name, "." | "..") {
        return Err(format!("a snapshot cannot be called {name}"));
    }
    // Incus puts snapshot names into URL paths as they are.
    let url_unsafe = |c: char| c.is_whitespace() || matches!(c, '?' | '#' | '%');
    if driver == Driver::Incus && name.chars().any(url_unsafe) {
        return Err(format!(
            "snapshot name {name:?} has a space, ?, # or %, which Incus snapshot names cannot hold"
        ));
    }
    Ok(())
}

/// libvirt refuses `/` (names become file names) and vmdeck refuses control characters
/// (they would garble the screen and the audit log).
fn libvirt_name(name: &str, what: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err(format!("a {what} needs a name"));
    }
    if name.contains('/') {
        return Err(format!(
            "{what} name {name:?} has a /, which libvirt does not allow"
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(format!("{what} name {name:?} has a control character"));
    }
    if name.len() > LIBVIRT_MAX {
        return Err(format!(
            "{what} name is {} bytes long; at most {LIBVIRT_MAX} are allowed",
            name.len()
        ));
    }
    Ok(())
}

fn incus_instance_name(name: &str) -> Result<(), String> {
    let len = name.chars().count();
    if len == 0 || len > INCUS_MAX {
        return Err(format!(
            "Incus instance names are 1 to {INCUS_MAX} characters long, and {name:?} has {len}"
        ));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(format!(
            "Incus instance name {name:?} may hold only ASCII letters, digits and -"
        ));
    }
    if name.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        return Err(format!(
            "Incus instance name {name:?} must not start with a digit or -"
        ));
    }
    if name.ends_with('-') {
        return Err(format!("Incus instance name {name:?} must not end with -"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libvirt_takes_odd_names_but_not_slashes_or_empty_ones() {
        for ok in ["web-1", "a&b<c>\"d'", "Ünïcode name", "1st"] {
            assert_eq!(check_vm_name(ok, Driver::Libvirt), Ok(()), "{ok}");
        }
        for bad in ["", "  ", "a/b", "tab\there", &"x".repeat(129)] {
            assert!(check_vm_name(bad, Driver::Libvirt).is_err(), "{bad}");
        }
        assert!(check_vm_name(&"x".repeat(128), Driver::Libvirt).is_ok());
        let err = check_vm_name("a/b", Driver::Libvirt).unwrap_err();
        assert!(err.contains("libvirt does not allow"), "{err}");
    }

    #[test]
    fn incus_takes_host_name_like_words_only() {
        for ok in ["c1", "web-01", "A", &"a".repeat(63)] {
            assert_eq!(check_vm_name(ok, Driver::Incus), Ok(()), "{ok}");
        }
        let cases = [
            ("", "1 to 63"),
            (&"a".repeat(64) as &str, "1 to 63"),
            ("1web", "start with a digit"),
            ("-web", "start with a digit or -"),
            ("web-", "end with -"),
            ("we_b", "ASCII letters"),
            ("wéb", "ASCII letters"),
            ("a b", "ASCII letters"),
        ];
        for (bad, why) in cases {
            let err = check_vm_name(bad, Driver::Incus).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn snapshot_names() {
        assert_eq!(
            check_snapshot_name("before upgrade", Driver::Libvirt),
            Ok(())
        );
        assert_eq!(check_snapshot_name("s1.2_x-y", Driver::Incus), Ok(()));
        assert!(check_snapshot_name("before upgrade", Driver::Incus).is_err());
        assert!(check_snapshot_name("a?b", Driver::Incus).is_err());
        for bad in ["", "a/b", "..", "."] {
            for driver in [Driver::Libvirt, Driver::Incus] {
                assert!(check_snapshot_name(bad, driver).is_err(), "{bad}");
            }
        }
    }
}
