//! Path display: file names relative to a base directory when under it.

use std::path::Path;

/// `path` relative to `base` when it lies under it (also after resolving symlinks),
/// otherwise `path` as it is.
pub fn relative_to(path: &Path, base: &Path) -> String {
    if let Ok(rel) = path.strip_prefix(base) {
        return rel.display().to_string();
    }
    if let (Ok(p), Ok(b)) = (path.canonicalize(), base.canonicalize()) {
        if let Ok(rel) = p.strip_prefix(&b) {
            return rel.display().to_string();
        }
    }
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_base_only_when_under_it() {
        assert_eq!(
            relative_to(Path::new("/a/b/c.rs"), Path::new("/a")),
            "b/c.rs"
        );
        assert_eq!(
            relative_to(
                Path::new("/nonexistent-x/c.rs"),
                Path::new("/nonexistent-y")
            ),
            "/nonexistent-x/c.rs"
        );
    }
}
