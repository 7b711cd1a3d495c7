//! Runs `goldthread_import::testing::fuzz::run("read_docx", …)`: what it reads and
//! checks is written there, where the regression tests run it too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| goldthread_import::testing::fuzz::run("read_docx", data));
