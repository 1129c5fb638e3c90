//! The importer tests' provider mock as a program, for `bench/import.sh`: Whats91, Kirim and
//! WA.cr on 127.0.0.1, answering at once (no faults unless asked), until it is killed.
//!
//! `cargo run --release -p whatsapp-contacts-importer --example contacts-mock -- [--port N] [--token T] [--fault-rate R] [--seed S]`
//! prints its base URL on the first line of stdout; `GET /stats` returns what it received.

#[path = "../tests/support/mock.rs"]
mod mock;

use std::io::Write;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (mut port, mut token, mut rate, mut seed) = (0u16, "bench-token".to_string(), 0.0f64, 1u64);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--port" => port = parse(&flag, &value),
            "--token" => token = value.clone(),
            "--fault-rate" => rate = parse(&flag, &value),
            "--seed" => seed = parse(&flag, &value),
            _ => usage(&format!("unknown option {flag}")),
        }
    }
    let plan = mock::FaultPlan::random(seed, rate, &mock::ALL_FAULTS);
    let server = mock::Mock::start_on(port, &token, plan).await;
    println!("{}", server.url());
    std::io::stdout().flush().unwrap();
    std::future::pending::<()>().await;
}

fn parse<T: std::str::FromStr>(flag: &str, value: &str) -> T {
    value.parse().unwrap_or_else(|_| usage(&format!("{flag}: `{value}` is not valid")))
}

fn usage(problem: &str) -> ! {
    eprintln!("contacts-mock: {problem}\nusage: contacts-mock [--port N] [--token T] [--fault-rate R] [--seed S]");
    std::process::exit(2)
}
