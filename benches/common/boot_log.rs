//! The console benches' shared input.

/// About 1 MB of kernel-style boot lines with colour, like a serial boot log.
pub fn boot_log() -> Vec<u8> {
    let mut log = Vec::new();
    for i in 0..12_000 {
        let line = format!(
            "[{:5}.{:06}] \x1b[32m  OK  \x1b[0m Started unit-{i}.service - Some daemon number {i} on /dev/vd{}\r\n",
            i / 1000,
            i % 1000 * 997,
            (b'a' + (i % 26) as u8) as char
        );
        log.extend_from_slice(line.as_bytes());
    }
    log
}
