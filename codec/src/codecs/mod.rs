//! The built-in codecs.

pub mod cm;
pub mod store;

pub use cm::Cm;
pub use store::Store;
