//! The crates' module graphs have no cycles: no module of `core/`, `cli/` or `registry-node/`
//! uses (`crate::…`, outside tests and comments) a module that uses it back, directly or
//! through others. A cycle means two ideas share one home, or one idea has two.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module of the crate at `src` and the top-level modules its code uses.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    fn visit(dir: &Path, src: &Path, graph: &mut BTreeMap<String, BTreeSet<String>>) {
        for entry in std::fs::read_dir(dir).expect("a source folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                visit(&path, src, graph);
                continue;
            }
            if path.extension().is_none_or(|ext| ext != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).expect("below src/");
            let first = relative.components().next().expect("a path");
            let module = first
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string();
            if module == "lib" || module == "main" {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a source file");
            // Unit tests may reach anywhere; only the code itself counts.
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
            let uses = graph.entry(module.clone()).or_default();
            for line in code
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
            {
                for (at, _) in line.match_indices("crate::") {
                    let used: String = line[at + 7..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !used.is_empty() && used != module {
                        uses.insert(used);
                    }
                }
            }
        }
    }
    let mut graph = BTreeMap::new();
    visit(src, src, &mut graph);
    graph
}

/// A cycle through `start`, if there is one: the modules in order.
fn cycle_through(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![(start.to_string(), vec![start.to_string()])];
    let mut seen = BTreeSet::new();
    while let Some((module, path)) = stack.pop() {
        for next in graph.get(&module).into_iter().flatten() {
            if next == start {
                return Some(path.clone());
            }
            if graph.contains_key(next) && seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push((next.clone(), longer));
            }
        }
    }
    None
}

#[test]
fn no_module_uses_one_that_uses_it_back() {
    let root = sesh_e2e::repo_root();
    let mut cycles = Vec::new();
    for krate in ["core", "cli", "registry-node"] {
        let graph = module_graph(&root.join(krate).join("src"));
        assert!(graph.len() > 5, "{krate}: the module graph was not read");
        for module in graph.keys() {
            if let Some(cycle) = cycle_through(&graph, module) {
                cycles.push(format!("{krate}: {} -> {module}", cycle.join(" -> ")));
            }
        }
    }
    assert!(cycles.is_empty(), "module cycles: {cycles:#?}");
}

#[test]
fn a_cycle_is_found_when_there_is_one() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(m, uses)| (m.to_string(), uses.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(
        cycle_through(&graph, "a"),
        Some(vec!["a".into(), "b".into(), "c".into()])
    );
    assert_eq!(cycle_through(&graph, "d"), None);
}
