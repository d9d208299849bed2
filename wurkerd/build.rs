//! `include_dir!` cannot tell cargo which files it embedded, so a change to the default stinger
//! would not rebuild `wurkerd`; this says so instead.

fn main() {
    println!("cargo:rerun-if-changed=../stingers/default");
    println!("cargo:rerun-if-changed=../etc");
}
