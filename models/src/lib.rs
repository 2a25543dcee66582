//! # ncodec-models
//!
//! The learned parts of ncodec, written with [`burn`] and trained on CPU (the `flex`
//! backend): network definitions, data pipelines and resumable training loops. Trained
//! weights are exported into the integer format that `ncodec`'s runtime executes; the
//! coding path never runs burn.
//!
//! - [`byte_lm`]: a byte-level language model (a window MLP: the last bytes' embeddings
//!   through two ReLU layers to 256 logits), the neural half of the lossless `lm` codec.
//! - [`text_data`]: random windows of the text corpus for training, a fixed valid sample.
//! - [`train`]: the resumable training loop with checkpoints, validation and a manifest.
//! - [`image_ae`]: the lossy image codec's autoencoder and factorized entropy model;
//!   [`image_train`] trains it on random photo crops; [`image_export`] writes it in the
//!   codec's format with integer prior tables.

#![warn(missing_docs)]

pub mod byte_lm;
pub mod export;
pub mod image_ae;
pub mod image_export;
pub mod image_train;
pub mod speech_ae;
pub mod speech_train;
pub mod text_data;
pub mod train;

pub use train::{train_text, TrainError, TrainOptions};
