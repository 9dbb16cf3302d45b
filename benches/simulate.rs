//! In-process simulation of the 10 000-user directory of bench/compare.sh: read into memory
//! first, every user evaluated under the benchmark configuration and counted; then the same
//! with the file read and parsed each time (what `simulate --format sarif` does). No output.

mod common;

use ssolint::config;
use ssolint::sim::{model, Assumptions, Counts, DirectoryReader};

fn main() {
    let mut bench = common::Bench::from_args();
    if let (Some(users), Some(cfg)) = (
        common::material("directory/users-10000.csv"),
        common::material("directory/ssolint.toml"),
    ) {
        let loaded = config::load(&cfg).expect("configuration");
        let asm = Assumptions::default();
        let users_path = users.clone();
        let users: Vec<_> = DirectoryReader::open(&users)
            .expect("directory")
            .collect::<Result<_, _>>()
            .expect("users");
        bench.case("simulate-10000-users", || {
            let mut counts = Counts::default();
            for u in &users {
                counts.add(u, &model::evaluate(&loaded.config, &asm, u));
            }
            counts.granted
        });
        bench.case("read-and-simulate-10000-users", || {
            ssolint::sim::summarize(&loaded, &asm, &users_path)
                .expect("summary")
                .counts
                .granted
        });
    }
    bench.finish();
}
