//! Judges two claims given on the command line and prints the finding, for a quick look:
//!
//!     cargo run --example relate_pair -- "SPEAKER|CUE|STANCE|CONTENT" "SPEAKER|CUE|STANCE|CONTENT"
use claims::relate::{judge, keys, Facts};

fn facts(s: &str) -> Facts {
    let p: Vec<&str> = s.splitn(4, '|').collect();
    let get = |i: usize| p.get(i).copied().unwrap_or("");
    Facts::new(get(0), get(1), get(2), get(3))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 2 {
        eprintln!("usage: relate_pair A B (each SPEAKER|CUE|STANCE|CONTENT)");
        std::process::exit(2);
    }
    let (a, b) = (facts(&args[0]), facts(&args[1]));
    for f in [&a, &b] {
        println!("{:?} {:?}", f.side(), keys(&f.content));
    }
    println!("{:?}", judge(&a, &b));
}
