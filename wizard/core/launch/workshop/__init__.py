"""Workshop mode (issue 16): one Binder for a room full of people.

* `links`: the nbgitpuller Binder link (an environment repository Binder builds, the content pulled in
  at launch) and its checks;
* `envrepo`: which environment files install nbgitpuller, the one-line fix, and `split`'s plan of a
  new environment-only folder;
* `plan`: the attendees against the per-repository quota and the federation's capacity, the days left,
  and the filled-in quota request;
* `federation_adapter`: the hub's members (`/active_hosts`), their `/health` and free capacity;
* `warm`: build the image on every member at once and stop each server right away;
* `handout`: the page for slides and handouts, with a QR code of the link;
* `content_adapter`: the files of the content repository at the branch attendees get.

Protocol facts: shared design/binderhub-api.md, beginner-failures.md §2 (mybinder.org's limits).
"""
