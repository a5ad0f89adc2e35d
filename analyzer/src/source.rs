//! Source files held in memory, addressed by [`FileId`] and byte ranges.

use std::path::{Path, PathBuf};

/// Index of a file in a [`SourceDb`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

thread_local! {
    /// The file whose cached facts are being read (see [`FileId::reading`]).
    static READING: std::cell::Cell<Option<FileId>> = const { std::cell::Cell::new(None) };
}

impl FileId {
    /// Runs `f`, in which every `FileId` deserialized is `self`. A file's facts only name
    /// the file itself (links to other files are made after extraction), so cached facts
    /// store no file id and take the one the file has in this run.
    pub fn reading<T>(self, f: impl FnOnce() -> T) -> T {
        let before = READING.with(|r| r.replace(Some(self)));
        let out = f();
        READING.with(|r| r.set(before));
        out
    }
}

impl serde::Serialize for FileId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_unit()
    }
}

impl<'de> serde::Deserialize<'de> for FileId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <()>::deserialize(d)?;
        READING
            .with(|r| r.get())
            .ok_or_else(|| serde::de::Error::custom("a file id read outside FileId::reading"))
    }
}

/// A byte range inside one file.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct FileRange {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl FileRange {
    /// The range as `usize` bounds, for slicing the file text.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One loaded file. `text` is empty when the file could not be read as UTF-8.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// All files of one analysis run, in load order.
#[derive(Clone, Debug, Default)]
pub struct SourceDb {
    files: Vec<SourceFile>,
}

impl SourceDb {
    /// Adds a file and returns its id.
    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        self.files.push(SourceFile { path, text });
        FileId(self.files.len() as u32 - 1)
    }

    /// The file behind `id`.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The id of an already loaded path.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .map(|i| FileId(i as u32))
    }

    /// Every file with its id.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file was loaded.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// 1-based line and 1-based character column of a byte offset, like rustc reports them.
    pub fn line_col(&self, file: FileId, offset: u32) -> (usize, usize) {
        let text = &self.get(file).text;
        let offset = (offset as usize).min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}
