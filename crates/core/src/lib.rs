//! kubeharden-core: from Kubernetes control-plane files to a typed, spanned model.
//!
//! The data flow is `bytes -> SourceFile -> one reader per FileKind -> InventoryBuilder -> build
//! -> Inventory -> component views`.
//! This crate knows Kubernetes (files, flags, defaults, versions) and nothing about rules.
#![forbid(unsafe_code)]

pub mod component;
pub mod effective;
pub mod flags;
pub mod inventory;
pub mod source;
pub mod sources;
pub mod version;
pub mod views;
pub mod yaml;

pub use component::Component;
pub use effective::{Effective, Provenance};
pub use inventory::{Inventory, InventoryBuilder, InventoryOptions};
pub use source::{FileId, LineCol, Located, Location, SourceFile, Span, Spanned};
