//! `sesh`: the Session Network wallet. Everything lives in the library (`sesh_cli`).

fn main() -> std::process::ExitCode {
    sesh_cli::main()
}
