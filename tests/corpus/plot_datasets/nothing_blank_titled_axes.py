"""Nothing: the right number of side-by-side, titled, equal-aspect Axes and the suptitle, but no points and no legend."""
from matplotlib.figure import Figure


def plot_datasets(dbs, title=None):
    if len(dbs) == 0:
        raise ValueError("empty")
    fig = Figure(figsize=(4 * len(dbs), 4))
    for i, name in enumerate(dbs):
        ax = fig.add_subplot(1, len(dbs), i + 1)
        ax.set_title(name)
        ax.set_aspect("equal")
    if title is not None:
        fig.suptitle(title)
    return fig
