//! The initial contents of linear memory 0, as the data segments of a
//! snapshot lay them out, readable without materialising the whole memory
//! (a 65,536-page memory is 4 GiB).

use super::parse::ModuleInfo;

const PAGE_SIZE: u64 = 65536;

/// A read-only view of memory 0 right after instantiation.
pub struct MemoryImage<'a> {
    /// Active segments in application order: (start address, bytes).
    segments: Vec<(u64, &'a [u8])>,
    /// Size of the memory in bytes (its declared minimum).
    pub size: u64,
}

impl<'a> MemoryImage<'a> {
    /// Returns `None` when the module has no memory 0 or when a segment for
    /// memory 0 has an offset pweval cannot evaluate (then the contents are
    /// unknown and nothing may be read from them).
    pub fn new(info: &ModuleInfo<'a>) -> Option<Self> {
        let memory = info.memories.first()?;
        // An imported memory's contents come from the host, not the module.
        if info.num_imported_memories > 0 {
            return None;
        }
        let mut segments = Vec::new();
        for data in &info.data {
            if let Some((0, offset)) = data.active {
                segments.push((offset?, &info.bytes[data.bytes.clone()]));
            }
        }
        Some(MemoryImage { segments, size: memory.initial.saturating_mul(PAGE_SIZE) })
    }

    /// Is `[addr, addr + len)` inside the memory?
    pub fn in_bounds(&self, addr: u64, len: u64) -> bool {
        addr.checked_add(len).is_some_and(|end| end <= self.size)
    }

    /// Read `len` bytes at `addr`, or `None` when out of bounds.
    pub fn read(&self, addr: u64, len: u64) -> Option<Vec<u8>> {
        if !self.in_bounds(addr, len) {
            return None;
        }
        let mut out = vec![0u8; len as usize];
        // Later segments overwrite earlier ones, so apply them in order.
        for &(start, bytes) in &self.segments {
            let end = start + bytes.len() as u64;
            let lo = start.max(addr);
            let hi = end.min(addr + len);
            if lo < hi {
                out[(lo - addr) as usize..(hi - addr) as usize]
                    .copy_from_slice(&bytes[(lo - start) as usize..(hi - start) as usize]);
            }
        }
        Some(out)
    }

    pub fn read_u32(&self, addr: u64) -> Option<u32> {
        let bytes = self.read(addr, 4)?;
        Some(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    pub fn read_u64(&self, addr: u64) -> Option<u64> {
        let bytes = self.read(addr, 8)?;
        let mut raw = [0u8; 8];
        raw.copy_from_slice(&bytes);
        Some(u64::from_le_bytes(raw))
    }
}
