//! Streaming `.ncz` frames: [`Encoder`] writes one, [`Decoder`] reads one, [`inspect`]
//! walks one without decoding.

mod decoder;
mod encoder;
mod inspect;

pub use decoder::{decompress_range, Decoder};
pub use encoder::Encoder;
pub use inspect::{inspect, ChunkInfo, FrameInfo};

use rayon::prelude::*;

use crate::Codec;

/// Whether `codec`'s frames hold their whole content as one chunk (a lossy codec that
/// needs its whole input, see [`Codec::lossy_chunks`]), coded with every thread at once.
fn one_chunk(codec: &dyn Codec) -> bool {
    codec.lossy() && !codec.lossy_chunks()
}

/// Runs `f` over `items`, in parallel on `pool` when there is one; results keep order.
fn map_ordered<T: Sync, U: Send>(
    pool: Option<&rayon::ThreadPool>,
    items: &[T],
    f: impl Fn(&T) -> U + Sync + Send,
) -> Vec<U> {
    match pool {
        Some(pool) if items.len() > 1 => pool.install(|| items.par_iter().map(&f).collect()),
        _ => items.iter().map(f).collect(),
    }
}
