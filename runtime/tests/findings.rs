#![cfg(feature = "check")]
