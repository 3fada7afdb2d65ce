//! The core's modules form a DAG: a module may use another only if that one does not, directly
//! or through others, use it back. Small shared modules (`date`, `label`, `text`) exist for
//! that; this test reads every `crate::<module>` path in `core/src` and fails on any cycle,
//! naming it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Top-level module → the other top-level modules its code names through `crate::`.
fn module_graph(src: &Path) -> Graph {
    let mut graph = Graph::new();
    let mut files = vec![src.to_path_buf()];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = path.strip_prefix(src).unwrap();
        let first = relative.components().next().unwrap().as_os_str().to_str().unwrap();
        let module = first.trim_end_matches(".rs").to_owned();
        if module == "lib" {
            continue;
        }
        let uses = graph.entry(module.clone()).or_default();
        for name in crate_paths(&std::fs::read_to_string(&path).unwrap()) {
            if name != module {
                uses.insert(name);
            }
        }
    }
    graph
}

/// The first segment of every `crate::…` path in code (comments left out).
fn crate_paths(source: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap();
        for (at, _) in code.match_indices("crate::") {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // e.g. `repere_crate::`
            }
            let rest = &code[at + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                names.insert(name);
            }
        }
        // `use crate::{a, b::c}`
        if let Some(rest) = code.split("crate::{").nth(1) {
            for part in rest.split(['{', '}', ',']) {
                let name: String = part.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    names.insert(name);
                }
            }
        }
    }
    names
}

/// A cycle, as the modules along it (first repeated at the end), if there is one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(node: &str, graph: &Graph, path: &mut Vec<String>, done: &mut BTreeSet<String>) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut vec![], &mut done))
}

#[test]
fn the_core_modules_form_a_dag() {
    let graph = module_graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    // The reading works: modules are found, and so are the uses we know of.
    for module in ["activity", "date", "hours", "label", "registry", "search", "text"] {
        assert!(graph.contains_key(module), "{module} not found: {graph:?}");
    }
    assert!(graph["registry"].contains("hours") && graph["hours"].contains("date") && graph["search"].contains("text"), "{graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("the core's modules use each other in a cycle: {}", cycle.join(" → "));
    }
}

#[test]
fn a_cycle_is_found_and_named() {
    let graph: Graph = [("hours", &["date"][..]), ("registry", &["hours", "label"]), ("date", &["registry"]), ("label", &[])]
        .into_iter()
        .map(|(m, uses)| (m.to_owned(), uses.iter().map(|u| u.to_string()).collect()))
        .collect();
    assert_eq!(find_cycle(&graph).unwrap(), ["date", "registry", "hours", "date"]);
    let mut dag = graph.clone();
    dag.get_mut("date").unwrap().clear();
    assert_eq!(find_cycle(&dag), None);
    let source = "use crate::{hours::Window, label::Label};\n// crate::search in a comment\nlet x = crate::text::UNICODE; // crate::map\n";
    assert_eq!(crate_paths(source), ["hours", "label", "text"].map(String::from).into());
}
