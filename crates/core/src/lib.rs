//! kubeharden-core: from Kubernetes control-plane files to a typed, spanned model.
//!
//! The data flow is `bytes -> SourceFile -> yaml::Stream -> Inventory -> component views`.
//! This crate knows Kubernetes (files, flags, defaults, versions) and nothing about rules.
#![forbid(unsafe_code)]

pub mod source;
pub mod yaml;

pub use source::{LineCol, SourceFile, Span, Spanned};
pub mod component;
pub mod flags;
pub mod version;

pub use component::Component;
