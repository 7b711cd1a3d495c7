//! Reads files and prints what was found, nothing else: the program to run
//! under a profiler. Each file is read twice, the second time in `measured`,
//! so `valgrind --tool=callgrind --collect-atstart=no
//! --toggle-collect=read::measured` counts a steady-state read without the
//! one-off compilation of patterns.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

fn main() {
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let _warm_up = goldthread_import::read_document(&path, &bytes);
        measured(&path, &bytes);
    }
}

#[inline(never)]
fn measured(path: &str, bytes: &[u8]) {
    match goldthread_import::read_document(path, bytes) {
        // The whole reading, to compare two builds' output.
        Ok(read) if std::env::var_os("READ_DUMP").is_some() => println!("{read:#?}"),
        Ok(read) => println!("{path}: {:?}", read.document.counts()),
        Err(e) => eprintln!("{e}"),
    }
}

/// The allocator the `goldthread` binary uses, so profiles are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
