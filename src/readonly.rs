//! Read-only data: the guest's `static const` tables are constant memory.
//!
//! An interpreter consults constant tables on every instruction: the label
//! table LLVM makes of `goto *labels[op]`, opcode property tables (Lua's
//! `luaP_opmodes`), operand sizes, character classes. They live in the
//! `.rodata` data segment, which a correct C program never writes. A load
//! at a constant address inside such a range folds to the snapshot's bytes,
//! so a computed-goto dispatch folds to one handler per context.
//!
//! Where the ranges come from (`--readonly-data`, `--no-readonly-data`):
//! by default, the data segments named `.rodata*` in the name section of
//! the module *before* Wizer runs. A Wizer snapshot re-cuts the data
//! segments but keeps the old name section, so its names are stale (segment
//! 0 of a snapshot named `.rodata` is whatever memory now starts at 0): names
//! are trusted only when every data segment has one, as in a linker's
//! output. `pweval -w --snapshot-only` records the pre-snapshot ranges in a
//! custom section, [`SECTION`], which a later run on that snapshot uses.
//! Ranges given on the command line are used instead when present.

use std::ops::Range;

use crate::module::memory::MemoryImage;
use crate::module::parse::ModuleInfo;
use crate::specialize::ConstMemory;

/// Which memory ranges are read-only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ReadonlyData {
    /// The `.rodata*` segments named in the (pre-snapshot) input.
    #[default]
    Named,
    /// None: every load from data stays a load.
    Off,
    /// These address ranges (`--readonly-data START..END`).
    Ranges(Vec<Range<u32>>),
}

/// The custom section in which a snapshot made by pweval carries the
/// read-only ranges of the module it was made from: pairs of little-endian
/// u32 (start, end).
pub const SECTION: &str = "pweval.readonly-data";

/// The read-only ranges of an input module: its [`SECTION`] if it has one,
/// else its `.rodata*` segments when the name section names every segment.
pub fn ranges_of_input(info: &ModuleInfo<'_>) -> Vec<Range<u32>> {
    for section in info.sections.iter().filter(|s| s.id == 0) {
        if section.custom_name.as_deref() != Some(SECTION) {
            continue;
        }
        // The payload follows the name inside `contents`.
        let contents = &info.bytes[section.contents.clone()];
        let mut reader = wasmparser::BinaryReader::new(contents, 0);
        if reader.read_string().is_err() {
            continue;
        }
        let body = &contents[reader.original_position()..];
        return body
            .chunks_exact(8)
            .filter_map(|pair| {
                let start = u32::from_le_bytes(pair[..4].try_into().ok()?);
                let end = u32::from_le_bytes(pair[4..].try_into().ok()?);
                (start < end).then_some(start..end)
            })
            .collect();
    }
    if info.data_names.len() != info.data.len() {
        return Vec::new();
    }
    named_ranges(info)
}

/// `module` with a [`SECTION`] holding `ranges` appended.
pub fn with_ranges_section(module: &[u8], ranges: &[Range<u32>]) -> Vec<u8> {
    let mut data = Vec::with_capacity(ranges.len() * 8);
    for r in ranges {
        data.extend_from_slice(&r.start.to_le_bytes());
        data.extend_from_slice(&r.end.to_le_bytes());
    }
    let section = wasm_encoder::CustomSection { name: SECTION.into(), data: data.into() };
    let mut out = module.to_vec();
    wasm_encoder::Section::append_to(&section, &mut out);
    out
}

/// The ranges of memory 0 covered by active data segments named `.rodata*`.
pub fn named_ranges(info: &ModuleInfo<'_>) -> Vec<Range<u32>> {
    let mut ranges = Vec::new();
    for (index, segment) in info.data.iter().enumerate() {
        let Some(name) = info.data_names.get(&(index as u32)) else { continue };
        if !name.starts_with(".rodata") {
            continue;
        }
        let Some((0, Some(offset))) = segment.active else { continue };
        let len = segment.bytes.len() as u64;
        let (Ok(start), Ok(end)) = (u32::try_from(offset), u32::try_from(offset + len)) else { continue };
        if start < end {
            ranges.push(start..end);
        }
    }
    ranges
}

/// Parse `START..END` (decimal or `0x` hexadecimal, END exclusive).
pub fn parse_range(text: &str) -> Result<Range<u32>, String> {
    let number = |s: &str| -> Result<u32, String> {
        let s = s.trim();
        let parsed = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            Some(hex) => u32::from_str_radix(hex, 16),
            None => s.parse(),
        };
        parsed.map_err(|_| format!("'{s}' is not a 32-bit address"))
    };
    let (start, end) = text
        .split_once("..")
        .ok_or_else(|| format!("'{text}' is not a range: write START..END, e.g. 0x400..0x1000"))?;
    let (start, end) = (number(start)?, number(end)?);
    if start >= end {
        return Err(format!("'{text}' is empty: START must be below END"));
    }
    Ok(start..end)
}

/// The bytes of `ranges` in the snapshot's initial memory, as constant
/// memory for the specializer. Bytes outside initialised data read as 0,
/// as in the instantiated memory; ranges past the memory's end are dropped.
pub fn const_memory(info: &ModuleInfo<'_>, ranges: &[Range<u32>]) -> Vec<ConstMemory> {
    let Some(image) = MemoryImage::new(info) else { return Vec::new() };
    ranges
        .iter()
        .filter_map(|r| {
            let bytes = image.read(u64::from(r.start), u64::from(r.end - r.start))?;
            Some(ConstMemory { addr: r.start, bytes })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_in_both_bases() {
        assert_eq!(parse_range("1024..0x800"), Ok(1024..2048));
        assert!(parse_range("0x800..0x800").is_err());
        assert!(parse_range("12").unwrap_err().contains("START..END"));
        assert!(parse_range("a..b").is_err());
    }
}
