//! KETC: etcd — TLS for clients and peers, client certificates, and how the API server
//! reaches it.
