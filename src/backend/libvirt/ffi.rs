//! Calls that virt 0.5 does not wrap (or wraps unsafely), done once here over `virt::sys`.

use std::collections::HashMap;
use std::ffi::{CStr, CString, c_char};

use virt::connect::Connect;
use virt::domain::Domain;
use virt::sys;

/// The XML namespace of vmdeck's stamp in a domain's `<metadata>`.
pub const STAMP_NAMESPACE: &str = "https://vmdeck.dev/xmlns/vm/1";

/// One typed parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Int(i64),
    UInt(u64),
    Double(f64),
    Bool(bool),
    Text(String),
}

impl Param {
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Param::Int(v) => u64::try_from(*v).ok(),
            Param::UInt(v) => Some(*v),
            Param::Double(v) => Some(*v as u64),
            Param::Bool(_) | Param::Text(_) => None,
        }
    }
}

/// One domain's record from `virConnectGetAllDomainStats`.
#[derive(Debug, Clone)]
pub struct StatsRecord {
    pub name: String,
    pub uuid: String,
    pub params: HashMap<String, Param>,
    /// The domain itself, when asked for: a reference of its own, for further calls.
    pub dom: Option<Domain>,
}

impl StatsRecord {
    pub fn u64(&self, key: &str) -> Option<u64> {
        self.params.get(key).and_then(Param::as_u64)
    }
}

/// All domains' stats in one call; with `with_domains`, each record keeps its domain.
pub fn all_domain_stats(
    conn: &Connect,
    stats: u32,
    flags: u32,
    with_domains: bool,
) -> Result<Vec<StatsRecord>, String> {
    let mut records: *mut sys::virDomainStatsRecordPtr = std::ptr::null_mut();
    // NOWAIT: a domain whose QEMU does not answer (stopped, hung) is skipped for what needs
    // its monitor instead of holding the whole call, and with it every other domain's update.
    let flags = flags | sys::VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT;
    // SAFETY: conn is a live connection; libvirt allocates `records`, freed below.
    let count =
        unsafe { sys::virConnectGetAllDomainStats(conn.as_ptr(), stats, &mut records, flags) };
    if count < 0 {
        return Err(last_error());
    }
    let mut out = Vec::with_capacity(count as usize);
    for i in 0..count as usize {
        // SAFETY: libvirt returned `count` valid record pointers.
        let record = unsafe { &**records.add(i) };
        out.push(StatsRecord {
            name: domain_name(record.dom),
            uuid: domain_uuid(record.dom),
            params: read_params(record.params, record.nparams),
            dom: with_domains.then(|| own_domain(record.dom)).flatten(),
        });
    }
    // SAFETY: frees exactly the list libvirt gave us; the domains inside go with it.
    unsafe { sys::virDomainStatsRecordListFree(records) };
    Ok(out)
}

/// A `Domain` with a reference of its own to `dom`, which stays valid after the list that
/// held it is freed.
fn own_domain(dom: sys::virDomainPtr) -> Option<Domain> {
    // SAFETY: `dom` is a valid domain of a live stats record.
    if unsafe { sys::virDomainRef(dom) } < 0 {
        return None;
    }
    // SAFETY: the reference just taken becomes the Domain's; it is freed when that drops.
    Some(unsafe { Domain::from_ptr(dom) })
}

pub fn read_params(params: sys::virTypedParameterPtr, count: i32) -> HashMap<String, Param> {
    let mut map = HashMap::with_capacity(count.max(0) as usize);
    for i in 0..count.max(0) as usize {
        // SAFETY: `params` holds `count` initialised entries owned by the record.
        let p = unsafe { &*params.add(i) };
        // SAFETY: field is a NUL-terminated C string inside a fixed array.
        let key = unsafe { CStr::from_ptr(p.field.as_ptr()) }
            .to_string_lossy()
            .into_owned();
        // SAFETY: the union member read matches the type tag libvirt set.
        let value = unsafe {
            match p.type_ as u32 {
                sys::VIR_TYPED_PARAM_INT => Param::Int(p.value.i.into()),
                sys::VIR_TYPED_PARAM_UINT => Param::UInt(p.value.ui.into()),
                sys::VIR_TYPED_PARAM_LLONG => Param::Int(p.value.l),
                sys::VIR_TYPED_PARAM_ULLONG => Param::UInt(p.value.ul),
                sys::VIR_TYPED_PARAM_DOUBLE => Param::Double(p.value.d),
                sys::VIR_TYPED_PARAM_BOOLEAN => Param::Bool(p.value.b != 0),
                sys::VIR_TYPED_PARAM_STRING if !p.value.s.is_null() => {
                    Param::Text(CStr::from_ptr(p.value.s).to_string_lossy().into_owned())
                }
                _ => continue,
            }
        };
        map.insert(key, value);
    }
    map
}

/// The domain's name; a local lookup, no RPC.
pub fn domain_name(dom: sys::virDomainPtr) -> String {
    // SAFETY: dom is valid for the duration of the call; the name belongs to the domain.
    let name = unsafe { sys::virDomainGetName(dom) };
    if name.is_null() {
        return String::new();
    }
    // SAFETY: non-null NUL-terminated string owned by the domain object.
    unsafe { CStr::from_ptr(name) }
        .to_string_lossy()
        .into_owned()
}

/// The domain's UUID as text; a local lookup, no RPC.
pub fn domain_uuid(dom: sys::virDomainPtr) -> String {
    let mut buf = [0 as c_char; sys::VIR_UUID_STRING_BUFLEN as usize];
    // SAFETY: buf has the size libvirt documents for a UUID string.
    if unsafe { sys::virDomainGetUUIDString(dom, buf.as_mut_ptr()) } < 0 {
        return String::new();
    }
    // SAFETY: libvirt wrote a NUL-terminated string into buf.
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

/// The domain's vmdeck metadata element (`virDomainGetMetadata`), or None when it has none.
/// Unlike an XML read it needs no domain job, so it answers while the domain's QEMU is hung;
/// but a domain without a stamp makes the daemon log an error, so it is only the fallback.
pub fn metadata_stamp(dom: &Domain) -> Option<String> {
    let uri = CString::new(STAMP_NAMESPACE).ok()?;
    // SAFETY: valid domain and C string; a non-null result is malloc'ed by libvirt.
    let xml = unsafe {
        sys::virDomainGetMetadata(
            dom.as_ptr(),
            sys::VIR_DOMAIN_METADATA_ELEMENT as i32,
            uri.as_ptr(),
            0,
        )
    };
    if xml.is_null() {
        // SAFETY: resets this thread's libvirt error: no stamp is not worth reporting.
        unsafe { sys::virResetLastError() };
        return None;
    }
    // SAFETY: non-null C string we now own.
    let text = unsafe { CStr::from_ptr(xml) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: libvirt allocated it with malloc.
    unsafe { libc::free(xml.cast()) };
    Some(text)
}

/// This thread's last libvirt error message.
pub fn last_error() -> String {
    virt::error::Error::last_error().message().to_string()
}

/// `virDomainGetInfo` with the raw state number (virt 0.5 only gives an enum wrapper).
pub fn domain_info(dom: &Domain) -> Result<sys::virDomainInfo, String> {
    // SAFETY: virDomainInfo is plain old data; libvirt fills it in.
    let mut info: sys::virDomainInfo = unsafe { std::mem::zeroed() };
    // SAFETY: valid domain and a properly sized out-parameter.
    if unsafe { sys::virDomainGetInfo(dom.as_ptr(), &mut info) } < 0 {
        return Err(last_error());
    }
    Ok(info)
}

/// The host CPUs a running domain's vCPUs may run on (the union over its vCPUs), from
/// `virDomainGetVcpuPinInfo`; None when libvirt can't tell.
pub fn vcpu_affinity(dom: &Domain, vcpus: u32, host_cpus: u32) -> Option<Vec<u32>> {
    let maplen = host_cpus.div_ceil(8).max(1) as usize;
    let mut maps = vec![0u8; maplen * vcpus as usize];
    // SAFETY: `maps` holds `vcpus` maps of `maplen` bytes each, as the call is told.
    let filled = unsafe {
        sys::virDomainGetVcpuPinInfo(
            dom.as_ptr(),
            vcpus as i32,
            maps.as_mut_ptr(),
            maplen as i32,
            // The running domain's, as `virsh vcpupin` reads it.
            sys::VIR_DOMAIN_AFFECT_CURRENT,
        )
    };
    if filled <= 0 {
        return None;
    }
    let mut cpus: Vec<u32> = (0..host_cpus)
        .filter(|cpu| {
            let (byte, bit) = ((cpu / 8) as usize, cpu % 8);
            maps.chunks(maplen)
                .take(filled as usize)
                .any(|map| map[byte] & (1 << bit) != 0)
        })
        .collect();
    cpus.dedup();
    Some(cpus)
}

/// Free pages of each size (KiB) on cells `start..start + cells` (by NUMA node id), from
/// `virNodeGetFreePages`: one row per cell, one count per size; None when the host does not say.
pub fn free_pages(
    conn: &Connect,
    sizes_kib: &[u32],
    start: u32,
    cells: usize,
) -> Option<Vec<Vec<u64>>> {
    if sizes_kib.is_empty() || cells == 0 {
        return None;
    }
    let mut sizes = sizes_kib.to_vec();
    let mut counts = vec![0u64; sizes.len() * cells];
    // SAFETY: `sizes` has `npages` entries and `counts` room for `npages` × `cells` counts.
    let rc = unsafe {
        sys::virNodeGetFreePages(
            conn.as_ptr(),
            sizes.len() as u32,
            sizes.as_mut_ptr(),
            i32::try_from(start).ok()?,
            cells as u32,
            counts.as_mut_ptr(),
            0,
        )
    };
    (rc >= 0).then(|| counts.chunks(sizes.len()).map(<[u64]>::to_vec).collect())
}

/// Which host CPUs are online (index = CPU id), from `virNodeGetCPUMap`.
pub fn online_cpus(conn: &Connect) -> Option<Vec<bool>> {
    let mut map: *mut u8 = std::ptr::null_mut();
    let mut online = 0u32;
    // SAFETY: libvirt allocates the map and says how many CPUs it covers; we free it below.
    let cpus = unsafe { sys::virNodeGetCPUMap(conn.as_ptr(), &mut map, &mut online, 0) };
    if cpus < 0 || map.is_null() {
        return None;
    }
    // SAFETY: the map holds one bit per CPU, `cpus` of them.
    let bytes = unsafe { std::slice::from_raw_parts(map, (cpus as usize).div_ceil(8)) };
    let list = (0..cpus as usize)
        .map(|cpu| bytes[cpu / 8] & (1 << (cpu % 8)) != 0)
        .collect();
    // SAFETY: allocated by libvirt with malloc, freed once.
    unsafe { libc::free(map.cast()) };
    Some(list)
}
