"""Drives Debian's python-gitlab (3.12), unchanged, against a running registry, as a user's script would.

Usage: python3 python_gitlab_client.py <personal|job|deploy|project-token>
Environment: REGISTRY_URL, TOKEN, PROJECT_PATH, GROUP_PATH, and DEPLOY_USERNAME for deploy tokens.
Prints one JSON object: for each call, {"ok": true, "value": ...} or {"ok": false, "error": <exception>, "status": <HTTP>}.
The C# test (PythonGitLabTests) decides what each token kind must get; this script only records what happened.
"""
import json
import os
import sys
import tempfile

import gitlab

url = os.environ["REGISTRY_URL"]
token = os.environ["TOKEN"]
kind = sys.argv[1]
project_path = os.environ["PROJECT_PATH"]
group_path = os.environ["GROUP_PATH"]

if kind in ("personal", "project-token"):
    gl = gitlab.Gitlab(url, private_token=token)
elif kind == "job":
    gl = gitlab.Gitlab(url, job_token=token)
elif kind == "deploy":
    gl = gitlab.Gitlab(url, http_username=os.environ["DEPLOY_USERNAME"], http_password=token)
else:
    raise SystemExit(f"unknown token kind {kind}")

results = {}
state = {}


def step(name, fn):
    try:
        results[name] = {"ok": True, "value": fn()}
    except gitlab.exceptions.GitlabError as e:
        results[name] = {"ok": False, "error": type(e).__name__, "status": e.response_code}


def auth():
    gl.auth()
    return {"username": gl.user.username, "bot": gl.user.bot, "web_url": gl.user.web_url}


def project_by_path():
    project = gl.projects.get(project_path)  # not lazy: GET /projects/acme%2Ftools
    state["project"] = project
    return {"id": project.id, "path_with_namespace": project.path_with_namespace, "web_url": project.web_url}


def upload(file_name, content):
    def run():
        with tempfile.NamedTemporaryFile("wb", delete=False) as f:
            f.write(content.encode())
        return state["project"].generic_packages.upload(
            package_name=f"py-{kind}", package_version="1.0.0", file_name=file_name, path=f.name).message
    return run


def get_package():
    package = next(p for p in state["project"].packages.list(get_all=True) if p.name == f"py-{kind}")
    package = state["project"].packages.get(package.id)  # not lazy: GET /projects/:id/packages/:package_id
    state["package"] = package
    return {"name": package.name, "version": package.version, "package_type": package.package_type}


def delete_file():
    files = state["package"].package_files.list(get_all=True)
    next(f for f in files if f.file_name == "bye.txt").delete()
    return sorted(f.file_name for f in state["package"].package_files.list(get_all=True))


def delete_package():
    state["project"].packages.delete(state["package"].id)
    return [p.name for p in state["project"].packages.list(get_all=True) if p.name == f"py-{kind}"]


step("auth", auth)
step("version", lambda: list(gl.version()))
step("projects.get by path", project_by_path)
if "project" in state:
    step("projects.get by id", lambda: gl.projects.get(state["project"].id).path_with_namespace)
    step("groups.get", lambda: gl.groups.get(group_path).full_path)
    step("generic_packages.upload", upload("hello.txt", f"hello from {kind}"))
    step("generic_packages.upload second file", upload("bye.txt", "bye"))
    step("generic_packages.download", lambda: state["project"].generic_packages.download(
        package_name=f"py-{kind}", package_version="1.0.0", file_name="hello.txt").decode())
    step("packages.list", lambda: sorted(p.name for p in state["project"].packages.list(get_all=True)))
    step("packages.get", get_package)
    if "package" in state:
        step("package_files.list", lambda: sorted(f.file_name for f in state["package"].package_files.list(get_all=True)))
        step("package_files delete", delete_file)
        step("packages.delete", delete_package)
    if kind == "personal":
        step("projects.list membership", lambda: [p.path_with_namespace for p in gl.projects.list(membership=True, get_all=True)])
        step("groups.list", lambda: [g.full_path for g in gl.groups.list(get_all=True)])
        step("access_tokens.create", lambda: (lambda t: {"token": t.token, "scopes": t.scopes, "access_level": t.access_level})(
            state["project"].access_tokens.create({"name": "python-gitlab", "scopes": ["api"], "access_level": 40})))
        step("access_tokens.list", lambda: [t.name for t in state["project"].access_tokens.list(get_all=True)])

print(json.dumps(results))
