//! The built-in codecs.

pub mod cm;
pub mod image;
pub mod lm;
pub mod speech;
pub mod store;
pub mod tensor;

pub use cm::Cm;
pub use image::Image;
pub use lm::{Lm, LmToken};
pub use speech::Speech;
pub use store::Store;
pub use tensor::Tensor;
