//! Open files: each host holds a connection (over ssh also the pipes to its ssh), so a fleet
//! of 1,000 hosts needs more descriptors than the usual soft limit of 1,024. At start the
//! soft limit is raised to the hard one, which any process may do.

/// Above this the kernel refuses the limit (`fs.nr_open`, 1 Mi by default), and no fleet
/// needs more.
const MOST: libc::rlim_t = 1 << 20;

/// Raises the soft limit of open files to the hard one; the limit now.
pub fn raise() -> Result<u64, String> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes only the struct it is given.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(std::io::Error::last_os_error().to_string());
    }
    let wanted = limit.rlim_max.min(MOST);
    if limit.rlim_cur < wanted {
        limit.rlim_cur = wanted;
        // SAFETY: setrlimit reads only the struct it is given.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } != 0 {
            return Err(std::io::Error::last_os_error().to_string());
        }
    }
    Ok(limit.rlim_cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn soft() -> libc::rlimit {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        assert_eq!(
            unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) },
            0
        );
        limit
    }

    #[test]
    fn the_soft_limit_of_open_files_rises_to_the_hard_one() {
        let mut low = soft();
        low.rlim_cur = 256.min(low.rlim_max);
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &low) }, 0);
        let now = raise().expect("raised");
        assert_eq!(now, low.rlim_max.min(MOST));
        assert_eq!(soft().rlim_cur, now);
    }
}
