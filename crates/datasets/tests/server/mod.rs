//! A local HTTP server for the download tests: fixed answers per path.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;

/// How the test server answers for one path.
#[derive(Clone)]
pub enum Serve {
    Good(Vec<u8>),
    /// The body gzipped, sent with `Content-Encoding: gzip` (as OpenML serves).
    Gzip(Vec<u8>),
    /// Announces the full length, sends half, closes.
    Truncated(Vec<u8>),
    NotFound,
}

/// Serves `routes` on 127.0.0.1 until the test process ends; returns the base URL.
pub fn serve(routes: HashMap<String, Serve>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let routes = Arc::new(routes);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let routes = Arc::clone(&routes);
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                        break;
                    }
                }
                let answer = routes.get(&path).cloned().unwrap_or(Serve::NotFound);
                let _ = match answer {
                    Serve::Good(b) => write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        b.len()
                    )
                    .and_then(|_| stream.write_all(&b)),
                    Serve::Gzip(b) => {
                        let mut enc =
                            flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                        enc.write_all(&b).unwrap();
                        let z = enc.finish().unwrap();
                        write!(
                            stream,
                            "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            z.len()
                        )
                        .and_then(|_| stream.write_all(&z))
                    }
                    Serve::Truncated(b) => write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        b.len()
                    )
                    .and_then(|_| stream.write_all(&b[..b.len() / 2])),
                    Serve::NotFound => write!(
                        stream,
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    ),
                };
            });
        }
    });
    format!("http://{addr}")
}
