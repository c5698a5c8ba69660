//! The mini FAT's chains: a stream smaller than the cutoff lives in
//! 64-byte mini sectors inside the mini stream, chained by the mini FAT.
//! Each is walked with a mark per mini sector, so a chain that loops or two
//! that share a mini sector stop the walk, naming the stream.

use super::directory::RawEntry;
use super::sector::{END_OF_CHAIN, Problem};

/// A mini stream's chain in the mini FAT, bounded by the mini stream.
pub fn mini_chain(
    minifat: &[u32],
    uses: &mut [bool],
    e: &RawEntry,
    mini_len: u64,
) -> Result<(), Problem> {
    let mut at = e.start;
    let mut count = 0u64;
    let need = e.size.div_ceil(64);
    while at != END_OF_CHAIN {
        let i = at as usize;
        let (Some(next), Some(used)) = (minifat.get(i), uses.get_mut(i)) else {
            return Err(format!(
                "stream `{}`: mini sector {at} is past the mini FAT",
                e.name()
            ));
        };
        if *used {
            return Err(format!(
                "stream `{}`: mini sector {at} is used twice (a loop or a shared sector)",
                e.name()
            ));
        }
        if (u64::from(at) + 1) * 64 > mini_len {
            return Err(format!(
                "stream `{}`: mini sector {at} is past the mini stream",
                e.name()
            ));
        }
        *used = true;
        count += 1;
        at = *next;
    }
    if count < need {
        return Err(format!(
            "stream `{}` claims {} bytes; its mini chain holds {}",
            e.name(),
            e.size,
            count * 64
        ));
    }
    Ok(())
}
