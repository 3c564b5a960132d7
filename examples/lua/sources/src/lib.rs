//! Nothing to build: this crate only names the lua-src dependency.
