"""The notebook's text: markdown cells and the marking guides of the written
questions, in the order the tutorial tells its story.

`{points}` in an exercise's text is filled with that exercise's autograded
points, summed from the registered checks when the notebook is generated.
"""

GENERATED = ("<!-- Generated from toyopt_ref by `toyopt notebook` (toyopt/notebook/). "
             "For the course's instructors: regenerate this notebook rather than edit it. -->")

INTRO = """\
# Optimisation and learning

A neural network starts with random weights. It becomes useful only because training
adjusts those weights, step by step, so that a measure of its error goes down. This notebook
follows that process on four small two-dimensional classification problems, small enough
that every cell runs in seconds on a laptop's CPU.

On the way you will

- build four toy datasets and look at them,
- meet the small network we train,
- compare loss functions and write one of your own,
- set up gradient descent and see why the starting weights matter,
- write the loop that trains and evaluates the network.

**How this notebook is graded.** Four exercises ask you to complete a function that
currently raises `NotImplementedError`. The cells right after each exercise test it: run
them to see how you are doing (each names its points in its first line). Some tests are
hidden and run only when your notebook is graded, so test your function beyond what the
visible tests try. Leave the test cells as they are: they are restored from the
instructor's copy before grading, so editing them changes nothing. The questions in
sections 7 and 10 ask for a few sentences each and are marked by hand. Before you submit,
restart the kernel and run every cell from the top."""

SETUP = """\
## 0. Setup

NumPy holds our data, PyTorch builds and trains the network, Matplotlib draws the figures.
Seeding NumPy's and PyTorch's random generators makes every run of the notebook draw the
same numbers. The helpers of the next cells check their arguments, so that a wrong call fails
with a message that says what is wrong."""

DATASETS = """\
## 1. Four toy datasets

Each dataset is a cloud of points in the plane, and every point carries a label, 0 or 1.
The network sees a point's two coordinates and must predict its label. The four clouds
differ in how hard the two classes are to tell apart:

- **linear**: a straight line separates the classes;
- **circular**: one class forms an inner ring, the other an outer ring;
- **spiral**: two arms wind around each other;
- **random**: the labels are coin flips, so there is nothing to learn.

Every generator returns `(points, labels)`: a float array of shape `(n, 2)` and an integer
array of shape `(n,)`. All randomness comes from NumPy's global generator, so
`np.random.seed` makes a dataset reproducible. The coordinates are already centred on zero
with a spread of about one, so we skip normalisation. `spiral_2d_loop` is the spiral written
the slow way, one point at a time."""

EXERCISE_SPIRAL = """\
### Exercise 1: the spiral without a loop ({points} points)

Write `spiral_2d`, which produces the same kind of data as `spiral_2d_loop` without a Python
loop over the points (a loop over the two classes is fine). Build arrays of indices, radii
and angles with NumPy and compute all points at once; one call of `np.random.uniform` can
draw the noise of every point. The docstring states exactly what the tests hold you to."""

TESTS = """\
The cells below test your function. A test that fails prints what it tried, what it
expected and what came back."""

SPLIT = """\
### Building the datasets, and a train/test split

We draw 1000 points per dataset and keep the four datasets in a dictionary, keyed by name.
Each dataset is then shuffled and cut in two: 90 % of the points to train on, 10 % held back
as a test set. The network never trains on the test points, so its accuracy on them tells
us how well it generalises to points it has not seen."""

PLOTTING = """\
## 2. Looking at the data

`plot_db` draws one dataset as a scatter plot on a Matplotlib `Axes`: label 0 in red,
label 1 in blue. It builds figures with `matplotlib.figure.Figure` rather than `pyplot`, so
a function can hand its figure back to be displayed or saved."""

EXERCISE_PLOT = """\
### Exercise 2: every dataset in one figure ({points} points)

We want to see the full datasets, the training sets and the test sets, four panels each.
Rather than repeat the same plotting lines three times, complete `plot_datasets`: given a
dictionary of datasets (any number of them), it returns one figure with a `plot_db` panel per
dataset, side by side in the dictionary's order, and an overall title when one is given."""

AFTER_PLOT = """\
Three of the four datasets can be separated by eye at a glance; only the random one has no
structure at all. Whether a small network does as well as our eyes is what the rest of the
notebook finds out. The training sets look like the full sets; the test sets are sparser
copies."""

ACCURACY = """\
## 3. Measuring success

For classification the natural score is accuracy: the percentage of points whose predicted
label is the true one. Our datasets are balanced, so guessing scores about 50 %."""

MODEL = """\
## 4. The model

`Simple2DNetwork` maps a point's two coordinates to a single number: a linear layer to five
hidden units, a ReLU, and a linear layer to one output. We read the output as a score for
label 1: at 0.5 or above the network predicts 1, below 0.5 it predicts 0. The constructor
also chooses how the weights start out (`weight_init`), which section 7 comes back to. A
network this simple could also be written with `nn.Sequential`; a class leaves room for
options such as the initialisation."""

LOSSES = """\
## 5. Loss functions

A loss function answers "how wrong is this prediction?" with one number that training can
push down. PyTorch provides many; here we plot a few of them for a target of 0, as the
prediction moves:

- `L1Loss`, the absolute difference;
- `MSELoss`, the squared difference: gentle near the target, steep far from it;
- `SmoothL1Loss` and `HuberLoss`: squared near the target, absolute further away;
- `BCELoss`, binary cross-entropy, made for predictions that are probabilities in [0, 1]
  (`BCEWithLogitsLoss` applies the sigmoid itself and accepts any real output).

The first four come from regression, the last from classification; all of them can train
our classifier."""

EXERCISE_LOSS = """\
### Exercise 3: a loss for angles ({points} points)

Some quantities live on a circle: an angle, a hue, the time of day. If the truth is an angle
of 2π − 0.1 and the network predicts 0.1, the prediction is nearly right, yet plain MSE sees
a difference of almost 2π and punishes it hard. Complete `circular_mse`, a mean squared error
that measures the difference the short way round the circle. `period` generalises it (360 for
degrees), and `reduction` works as in PyTorch's own losses."""

AFTER_LOSS = """\
Wrapped in a module, `circular_mse` can be used like any PyTorch criterion:"""

OPTIMISER = """\
## 6. The optimiser

Training is a walk downhill on the loss with our eyes closed: we cannot see the lowest
point, but we can feel the slope under our feet. That slope is the gradient of the loss
with respect to every weight, and PyTorch's autograd computes it for us. Each tensor created
with `requires_grad=True` (a layer's weights, for instance) records the operations applied
to it, and `loss.backward()` walks that record backwards with the chain rule: this is
backpropagation. When we only evaluate a network we do not need gradients, and
`torch.no_grad()` switches the recording off.

Stochastic gradient descent (SGD) moves each weight a small step against its gradient. The
learning rate `lr` sets the size of the step: too small and learning crawls, too large and
the steps overshoot. (`torch.optim` also accepts groups of parameters with a learning rate
each.)"""

INIT = """\
## 7. Where the weights start

Where you start walking decides which valley you end up in. `Simple2DNetwork` can draw its
weight matrices from a uniform distribution on [0, 1) (`'uniform'`), from Xavier's normal
distribution (`'xavier'`), or keep PyTorch's default (`None`). Before any training, how does
an untrained network do on the linear test set?"""

AFTER_INIT = """\
An untrained network's accuracy is luck: it depends on where the random weights happen to
put the boundary, and it is near chance on average. Its hidden features are random and have
to be tuned by training."""

TRAINING = """\
## 8. The training loop

Everything is in place. One epoch of training takes the whole training set (one full
batch, as our datasets are tiny) through five steps:

1. forward pass: `prediction = model(inputs)`;
2. loss: `loss = criterion(prediction, target)`;
3. reset the gradients: `optimiser.zero_grad()`, because PyTorch adds new gradients to the
   ones already stored;
4. backward pass: `loss.backward()` fills in every parameter's `.grad`;
5. update: `optimiser.step()` moves the weights.

Evaluating on the test set needs only the forward pass and the loss, with the model in
evaluation mode and gradient recording off."""

EXERCISE_EPOCH = """\
### Exercise 4: one epoch ({points} points)

Complete `epoch_loop`. Given an optimiser, it trains: one pass of the five steps over the
whole dataset. Without one (`optimiser=None`) it only evaluates and leaves the model as it
was. Either way it returns the accuracy, the loss as a Python number and the predicted labels
as a NumPy array, all computed from the prediction made before any update."""

TRAIN_RUN = """\
With `epoch_loop` done, training is a loop over epochs: a training pass on the training set,
then an evaluation pass on the test set, keeping a history of both. Here: the circular
dataset, the L1 loss, SGD with a learning rate of 0.1, 1000 epochs."""

RESULTS = """\
## 9. Results

The learning curves show accuracy and loss epoch by epoch, on the training and the test
set. The decision boundary shows which part of the plane the trained network gives to each
label, under the test points."""

EXPERIMENTS = """\
## 10. Your turn

Change the dataset, the loss, the learning rate and the number of epochs of the training
run in section 8, and run it again (it builds a fresh model each time). One run takes a few
seconds. Then answer the questions below in a few sentences each, quoting what you
measured."""

#: The hand-graded questions: (grade id, question, marking guide). The guide
#: is the instructor's; nbgrader replaces it with "YOUR ANSWER HERE" on release.
QUESTIONS = {
    "initialisation": (
        "**Question (initialisation).** Does the way the weights start change how training "
        "goes? Train with `'uniform'`, `'xavier'` and `None` on at least two datasets and "
        "compare the accuracy reached and how quickly it is reached.",
        "*Marking guide.* Yes, and it depends on the dataset. On the linear data every "
        "initialisation usually ends above 90 %. On the circular data with L1, the uniform "
        "start reaches 90 % on most seeds (about nine in ten), the Xavier start on only about "
        "half: a run that stalls has hidden ReLU units that never switch on (\"dead\" units), "
        "so the network is left with too few features. Credit answers that compare runs "
        "(ideally over a few seeds) and name a reason.",
    ),
    "loss": (
        "**Question (losses).** Is there a single loss function that works best on every "
        "dataset? Compare at least `L1Loss`, `MSELoss` and `BCEWithLogitsLoss`.",
        "*Marking guide.* No single winner. BCEWithLogits is the most reliable on the linear "
        "data (about 99 % test accuracy) but the least on the circular data, where L1 and MSE "
        "do better (about 97-98 % on average). On the spiral no loss gets this small network "
        "much beyond 60 %: the limit is the network's capacity, not the loss. The random data "
        "stays at chance whatever the loss. Good answers notice that `epoch_loop` thresholds "
        "at 0.5, which suits outputs near 0 and 1 but not logits (threshold 0).",
    ),
    "learning_rate": (
        "**Question (learning rate).** What happens when you lower the learning rate (say to "
        "0.01), or raise it (say to 1)?",
        "*Marking guide.* A smaller rate takes smaller steps: the curves are smoother but "
        "learning is slower, and 1000 epochs may no longer be enough. A larger rate learns "
        "faster at first but can overshoot: the loss oscillates, can diverge, or the ReLU units "
        "die and accuracy drops to chance. Credit answers backed by curves or numbers.",
    ),
    "epochs": (
        "**Question (epochs).** What happens when you train for fewer epochs? Do all datasets "
        "need the same number of epochs to reach their best accuracy?",
        "*Marking guide.* With too few epochs the network stops before it has converged and "
        "scores lower. The datasets differ: the linear data is learnt within a few hundred "
        "epochs, the circular data often only after several hundred (accuracy jumps once the "
        "rings come apart), while the spiral and the random data never reach high accuracy with "
        "this network, however long it trains.",
    ),
}

#: Points of each hand-graded answer.
ANSWER_POINTS = 2
