x = 1y = 2app.run(debug=True)
