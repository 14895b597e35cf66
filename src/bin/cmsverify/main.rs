//! The `cmsverify` command (placeholder until the CLI lands).
fn main() {
    eprintln!("cmsverify: the command-line interface is not built yet");
    std::process::exit(1);
}
