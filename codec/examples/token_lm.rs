//! Measures a token LM that is not (yet) shipped: codes files with a weights file and a
//! tokenizer file from a training run, checks the round trip, and prints sizes and speed.
//!
//! ```text
//! cargo run --release -p ncodec --example token_lm -- \
//!     runs/token-lm/token-lm.nclw runs/bbpe-4096.nctk FILE...
//! ```

use std::time::Instant;

use ncodec::codecs::lm::token::TokenLmCoder;
use ncodec::runtime::ByteMlp;
use ncodec::tokenizer::Bbpe;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [model, tokenizer, files @ ..] = &args[..] else {
        eprintln!("usage: token_lm MODEL.nclw TOKENIZER.nctk FILE...");
        std::process::exit(2);
    };
    let model = ByteMlp::from_bytes(&std::fs::read(model)?)?;
    let tokenizer = Bbpe::from_bytes(&std::fs::read(tokenizer)?)?;
    let coder = TokenLmCoder::new(model.clone(), tokenizer.clone())?;
    for file in files {
        let input = std::fs::read(file)?;
        let started = Instant::now();
        let mut payload = Vec::new();
        coder.encode(&input, &mut payload)?;
        let encode_s = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let mut back = Vec::new();
        coder.decode(&payload, input.len(), &mut back)?;
        let decode_s = started.elapsed().as_secs_f64();
        if back != input {
            return Err(format!("{file}: round trip failed").into());
        }
        // The token LM alone, without cm: its information content of the tokens.
        let tokens = tokenizer.encode(&input);
        let mut state = model.new_state();
        let mut lm_bits = 0.0;
        for &t in &tokens {
            lm_bits += model.predict(&mut state).information_bits(t as usize);
            state.push(t);
        }
        println!(
            "{file}: {} tokens ({:.3} bytes/token); token LM alone {:.4} bits/byte",
            tokens.len(),
            input.len() as f64 / tokens.len().max(1) as f64,
            lm_bits / input.len().max(1) as f64
        );
        println!(
            "{file}: {} -> {} bytes ({:.4} bits/byte, payload only), encode {:.1} KB/s, decode {:.1} KB/s",
            input.len(),
            payload.len(),
            payload.len() as f64 * 8.0 / input.len().max(1) as f64,
            input.len() as f64 / encode_s / 1e3,
            input.len() as f64 / decode_s / 1e3
        );
    }
    Ok(())
}
