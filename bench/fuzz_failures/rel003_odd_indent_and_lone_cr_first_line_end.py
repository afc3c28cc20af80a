with .4_06_8e-7_5_7_045J, 5_7_7197_9e4_0940_2_064J as\	\\
øėďÝ:\\
	
	 		pass
def outer():
    def inner(a, b=[]):
        return b