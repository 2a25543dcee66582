//! Regenerates `datasets/samples/mixed.bin` from [`ncodec_datasets::synthetic::mixed`].
//!
//! Run with `cargo run -p ncodec-datasets --example gen_mixed`.

use ncodec_datasets::synthetic::{mixed, MIXED_BIN_LEN, MIXED_BIN_SEED};
use std::path::Path;

fn main() -> std::io::Result<()> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/mixed.bin");
    let data = mixed(MIXED_BIN_LEN, MIXED_BIN_SEED);
    std::fs::write(&path, &data)?;
    println!("wrote {} bytes to {}", data.len(), path.display());
    Ok(())
}
