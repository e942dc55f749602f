use std::process::ExitCode;

// Many small allocations per delivery across threads: glibc's allocator serialises them
// on its arena locks under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = hookscope::cli::parse();
    hookscope::cli::run(cli)
}
