//! The codec registry: looks codecs up by id (when decoding) or name (when encoding).

use std::sync::OnceLock;

use crate::codec::{Codec, CodecId};
use crate::codecs::{Cm, Image, Limg, Lm, LmToken, Pcm, Speech, Store, Tensor};
use crate::Error;

/// A set of codecs with unique ids and names.
///
/// ```
/// use ncodec::registry::default_registry;
///
/// let names: Vec<&str> = default_registry().codecs().map(|c| c.name()).collect();
/// assert!(names.contains(&"cm") && names.contains(&"store"));
/// ```
pub struct Registry {
    codecs: Vec<Box<dyn Codec>>,
}

impl Registry {
    /// An empty registry.
    pub fn empty() -> Self {
        Self { codecs: Vec::new() }
    }

    /// The built-in codecs.
    pub fn builtin() -> Self {
        let mut registry = Self::empty();
        for codec in [
            Box::new(Store) as Box<dyn Codec>,
            Box::new(Cm),
            Box::new(Lm),
            Box::new(LmToken),
            Box::new(Image),
            Box::new(Speech),
            Box::new(Tensor),
            Box::new(Pcm),
            Box::new(Limg),
        ] {
            // Built-in ids and names are distinct, so this cannot fail.
            let _ = registry.register(codec);
        }
        registry
    }

    /// Adds a codec; fails if its id is 0 or its id or name is taken.
    pub fn register(&mut self, codec: Box<dyn Codec>) -> Result<(), Error> {
        if codec.id() == 0 {
            return Err(Error::InvalidOption("codec id 0 is reserved".into()));
        }
        if self.by_id(codec.id()).is_some() || self.by_name(codec.name()).is_some() {
            return Err(Error::InvalidOption(format!(
                "codec {} (id {}) is already registered",
                codec.name(),
                codec.id()
            )));
        }
        self.codecs.push(codec);
        Ok(())
    }

    /// The codec with this id.
    pub fn by_id(&self, id: CodecId) -> Option<&dyn Codec> {
        self.codecs.iter().find(|c| c.id() == id).map(|c| &**c)
    }

    /// The codec with this name.
    pub fn by_name(&self, name: &str) -> Option<&dyn Codec> {
        self.codecs.iter().find(|c| c.name() == name).map(|c| &**c)
    }

    /// All codecs, in registration order.
    pub fn codecs(&self) -> impl Iterator<Item = &dyn Codec> {
        self.codecs.iter().map(|c| &**c)
    }
}

/// The process-wide registry of built-in codecs.
pub fn default_registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::builtin)
}
