//! KGEN: whether the input can be read at all, and whether components would accept it.

mod invalid_yaml;

pub use invalid_yaml::InvalidYaml;
