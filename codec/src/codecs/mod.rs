//! The built-in codecs.

mod adaptive_bit;
pub mod cm;
pub mod image;
pub mod limg;
pub mod lm;
pub mod pcm;
pub(crate) mod runs;
pub mod speech;
pub mod store;
pub mod tensor;
pub(crate) mod wire;

pub use cm::Cm;
pub use image::Image;
pub use limg::Limg;
pub use lm::{Lm, LmToken};
pub use pcm::Pcm;
pub use speech::Speech;
pub use store::Store;
pub use tensor::Tensor;
