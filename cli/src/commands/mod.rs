//! One module per subcommand.

pub mod audio_file;
pub mod code;
pub mod demo;
pub mod eval;
pub mod image_file;
pub mod info;
pub mod serve;
pub mod tensor_file;
pub mod test;
pub mod train;
pub mod train_image_residual;
pub mod train_limg;
pub mod wav_file;
